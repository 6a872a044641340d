// Starter prompts for common code tasks, shipped with the studio: analyse, security review and
// optimise for WhiteRabbitNeo-33B; `Generate {language} code: {task}` for CodeT5+ 16B; and a
// function completion in HumanEval's shape, ready to evaluate. Each is a
// complete prompt content (system prompt, user template with {{variables}}, examples, parameters)
// that a workspace can create a prompt from.
import type { DraftContent } from '$lib/prompt-doc';
import type { ModelId } from './registry';

export interface StarterPrompt {
	key: 'analyse' | 'security-review' | 'optimise' | 'generate-code' | 'complete-function';
	name: string;
	description: string;
	model: ModelId;
	content: DraftContent;
}

const wrn = (temperature: number, maxTokens: number): DraftContent['parameters'] => ({ modelType: 'whiterabbitneo', temperature, maxTokens });

export const STARTER_PROMPTS: readonly StarterPrompt[] = [
	{
		key: 'analyse',
		name: 'Analyse code',
		description: 'Explain what a piece of code does, its structure and its weak points.',
		model: 'whiterabbitneo',
		content: {
			systemPrompt: 'You are an expert software engineer. Explain code clearly and precisely, for a developer who has not seen it before.',
			userPromptTemplate: 'Analyse this {{language}} code: what it does, how it is structured, and any bugs or weak points.\n\n```{{language}}\n{{code}}\n```',
			fewShotExamples: [],
			parameters: wrn(0.3, 1024)
		}
	},
	{
		key: 'security-review',
		name: 'Security review',
		description: 'Find vulnerabilities in code, with their severity and a fix for each.',
		model: 'whiterabbitneo',
		content: {
			systemPrompt:
				'You are an application security reviewer. Report each vulnerability with its class (CWE where one applies), its severity, where it is, and a concrete fix. Say plainly when you find none.',
			userPromptTemplate: 'Review this {{language}} code for security vulnerabilities.\n\n```{{language}}\n{{code}}\n```',
			fewShotExamples: [
				{
					input: 'Review this Python code for security vulnerabilities.\n\n```python\nos.system("ping " + host)\n```',
					output:
						'1. OS command injection (CWE-78), high: `host` is concatenated into a shell command. Fix: `subprocess.run(["ping", host], check=True)` with no shell, and validate `host`.'
				}
			],
			parameters: wrn(0.2, 1536)
		}
	},
	{
		key: 'optimise',
		name: 'Optimise code',
		description: 'Make code faster or leaner without changing what it does.',
		model: 'whiterabbitneo',
		content: {
			systemPrompt: 'You are a performance engineer. Keep behaviour identical; explain each change and its expected gain.',
			userPromptTemplate: 'Optimise this {{language}} code for {{goal}}.\n\n```{{language}}\n{{code}}\n```',
			fewShotExamples: [],
			parameters: wrn(0.3, 1536)
		}
	},
	{
		key: 'generate-code',
		name: 'Generate code',
		description: 'Write code for a task you describe, in the language you name.',
		model: 'codet5p',
		content: {
			systemPrompt: '',
			userPromptTemplate: 'Generate {{language}} code: {{task}}',
			fewShotExamples: [],
			parameters: { modelType: 'codet5p', temperature: 0.2, maxTokens: 512 }
		}
	},
	{
		key: 'complete-function',
		name: 'Complete a function',
		description: 'Finish a Python function from its signature and docstring: the shape HumanEval evaluates.',
		model: 'whiterabbitneo',
		content: {
			systemPrompt: 'Complete the Python function. Answer with its body only, indented, with no explanation.',
			// An evaluation fills {{prompt}} with each problem's signature and docstring.
			userPromptTemplate: '{{prompt}}',
			fewShotExamples: [],
			parameters: wrn(0, 512)
		}
	}
];
