// Evaluations: a prompt version run over a code benchmark (HumanEval), each answer checked in the
// sandbox, scored as pass@1 / pass@k. Routes call these; only this domain writes evaluation_runs
// and evaluation_results.
export { cancelEvaluation, failAbandonedEvaluations, keepEvaluations, startEvaluation, whenEvaluated } from './runner';
export { getEvaluation, listEvaluations, type EvaluationComparison, type EvaluationSummary, type ProblemResult } from './history';
export { benchmarkChoices, type BenchmarkChoice } from './benchmarks';
export { configureEvaluation, evaluationSettings } from './settings';
export { closeSandbox } from './sandbox';
