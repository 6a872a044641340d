// What one enabled plugin said about a run (or a version), as everyone sees it: findings (severity,
// rule, line, an optional code excerpt) and labelled figures with their units. One zod definition
// serves the server (checking what a plugin returned before it is kept), the wire (run:finished)
// and the pages, which render rows from it and never JSON. Reports kept before this shape (a
// `metrics` object of anything) are read into it.
import { z } from 'zod';
import { FIGURE_UNITS, SEVERITIES } from './types';

/** Bounds on what one report keeps: a plugin cannot fill a page or a row with its output. */
export const REPORT_LIMITS = {
	findings: 200,
	figures: 20,
	message: 1_000,
	excerpt: 4_000,
	label: 80
} as const;

const clipped = (max: number) => z.string().transform((text) => (text.length > max ? `${text.slice(0, max - 1)}…` : text));

export const reportFindingSchema = z.object({
	ruleId: clipped(REPORT_LIMITS.label),
	severity: z.enum(SEVERITIES),
	message: clipped(REPORT_LIMITS.message),
	/** 1-based line of the output (or of the prompt part) the finding is about. */
	line: z.number().int().positive().optional(),
	/** The part of the prompt it is about (system prompt, template, example 2). */
	part: clipped(REPORT_LIMITS.label).optional(),
	excerpt: z.object({ code: clipped(REPORT_LIMITS.excerpt), language: clipped(40).optional() }).optional()
});

export const reportFigureSchema = z.object({
	label: clipped(REPORT_LIMITS.label),
	value: z.number().finite().nullable(),
	unit: z.enum(FIGURE_UNITS),
	note: clipped(REPORT_LIMITS.label).optional()
});

export const pluginReportSchema = z.object({
	pluginId: clipped(REPORT_LIMITS.label),
	name: clipped(REPORT_LIMITS.label),
	/** ok, or why it gave nothing: it threw, ran past its time budget, or its settings are invalid. */
	status: z.enum(['ok', 'error', 'timeout', 'bad-config']),
	findings: z.array(reportFindingSchema).max(REPORT_LIMITS.findings),
	figures: z.array(reportFigureSchema).max(REPORT_LIMITS.figures),
	/** The failure, when status is not ok. */
	message: clipped(REPORT_LIMITS.message).nullable()
});

export type PluginReport = z.output<typeof pluginReportSchema>;
export type ReportFinding = PluginReport['findings'][number];
export type ReportFigure = PluginReport['figures'][number];

// ---- reading what was kept ------------------------------------------------------------------------

/** The token and cost counter's figures as it kept them before it had labelled figures. */
const LEGACY_FIGURES: Record<string, { label: string; unit: ReportFigure['unit'] }> = {
	tokensIn: { label: 'Prompt tokens', unit: 'tokens' },
	tokensOut: { label: 'Completion tokens', unit: 'tokens' },
	costUsd: { label: 'Cost', unit: 'usd' }
};

const humanised = (key: string) => {
	const words = key.replace(/([a-z\d])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
	return words[0]!.toUpperCase() + words.slice(1);
};

/** An older report's `metrics`: scalar numbers become figures, code blocks become findings with their code. */
function fromLegacyMetrics(metrics: Record<string, unknown>): { figures: ReportFigure[]; findings: ReportFinding[] } {
	const figures: ReportFigure[] = [];
	const findings: ReportFinding[] = [];
	for (const [key, value] of Object.entries(metrics)) {
		if (key === 'blocks' && Array.isArray(value)) {
			for (const block of value.slice(0, REPORT_LIMITS.findings)) {
				const parsed = z.object({ language: z.string(), line: z.number().int().positive(), code: z.string().optional() }).safeParse(block);
				if (!parsed.success) continue;
				const { language, line, code } = parsed.data;
				findings.push(reportFindingSchema.parse({ ruleId: 'code-block', severity: 'info', message: `${language === 'unknown' ? 'Code' : language} block`, line, ...(code ? { excerpt: { code, language } } : {}) }));
			}
			continue;
		}
		if (typeof value !== 'number' && value !== null) continue;
		const known = LEGACY_FIGURES[key];
		if (!known && value === null) continue;
		figures.push({ label: known?.label ?? humanised(key), unit: known?.unit ?? 'count', value, ...(key === 'tokensIn' || key === 'tokensOut' ? { note: 'estimated' } : {}) });
	}
	return { figures: figures.slice(0, REPORT_LIMITS.figures), findings };
}

const storedReportSchema = z.looseObject({
	pluginId: z.string(),
	name: z.string().optional(),
	status: z.string(),
	findings: z.array(z.unknown()).optional(),
	figures: z.array(z.unknown()).optional(),
	metrics: z.record(z.string(), z.unknown()).optional(),
	message: z.string().nullable().optional()
});

/** One kept report, whatever its age; null when it is not a report at all. */
function readReport(value: unknown): PluginReport | null {
	const stored = storedReportSchema.safeParse(value);
	if (!stored.success) return null;
	const { pluginId, name, status, findings = [], figures = [], metrics, message } = stored.data;
	const legacy = metrics ? fromLegacyMetrics(metrics) : { figures: [], findings: [] };
	const parsed = pluginReportSchema.safeParse({
		pluginId,
		name: name ?? pluginId,
		status: ['ok', 'error', 'timeout', 'bad-config'].includes(status) ? status : 'error',
		findings: [
			...findings.flatMap((finding) => {
				const one = reportFindingSchema.safeParse(finding);
				return one.success ? [one.data] : [];
			}),
			...legacy.findings
		].slice(0, REPORT_LIMITS.findings),
		figures: [
			...figures.flatMap((figure) => {
				const one = reportFigureSchema.safeParse(figure);
				return one.success ? [one.data] : [];
			}),
			...legacy.figures
		].slice(0, REPORT_LIMITS.figures),
		message: message ?? null
	});
	return parsed.success ? parsed.data : null;
}

/** The reports a run kept (execution_history.plugin_results), read into today's shape; null when none. */
export function readPluginReports(stored: unknown): PluginReport[] | null {
	if (!Array.isArray(stored)) return null;
	const reports = stored.flatMap((value) => {
		const report = readReport(value);
		return report ? [report] : [];
	});
	return reports.length > 0 ? reports : null;
}
