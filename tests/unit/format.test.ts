// The studio's one way of writing figures: what the runs table, a run's page, a plugin's report and
// the dashboard all show.
import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, formatDuration, formatPercent, formatRate, formatTokens, parameterLabel, parameterValue } from '$lib/format';

describe('figures as people read them', () => {
	it('durations: milliseconds under a second, one decimal of seconds under a minute, minutes after', () => {
		expect(formatDuration(640)).toBe('640 ms');
		expect(formatDuration(999.6)).toBe('1.0 s');
		expect(formatDuration(6881)).toBe('6.9 s');
		expect(formatDuration(13_400)).toBe('13.4 s');
		expect(formatDuration(59_960)).toBe('1 min 0 s');
		expect(formatDuration(125_000)).toBe('2 min 5 s');
		expect(formatDuration(3_840_000)).toBe('1 h 4 min');
		expect(formatDuration(null)).toBe('—');
		expect(formatDuration(-1)).toBe('—');
	});

	it('money: free for nothing, four decimals under a cent, cents above, never a row of zeros', () => {
		expect(formatCost(0)).toBe('free');
		expect(formatCost(0.003)).toBe('$0.0030');
		expect(formatCost(0.00002)).toBe('under $0.0001');
		expect(formatCost(0.0125)).toBe('$0.01');
		expect(formatCost(1234.5)).toBe('$1,234.50');
		expect(formatCost(null)).toBe('—');
	});

	it('token counts with separators and the right plural; counts, rates and shares', () => {
		expect(formatTokens(1024)).toBe('1,024 tokens');
		expect(formatTokens(1)).toBe('1 token');
		expect(formatTokens(0)).toBe('0 tokens');
		expect(formatTokens(null)).toBe('—');
		expect(formatCount(12_345)).toBe('12,345');
		expect(formatRate(12.345)).toBe('12.3 tokens/s');
		expect(formatPercent(1)).toBe('100 %');
		expect(formatPercent(0.425)).toBe('42.5 %');
		expect(formatPercent(null)).toBe('—');
	});

	it('parameters in product words, their values never as JSON', () => {
		expect(parameterLabel('max_new_tokens')).toBe('Max new tokens');
		expect(parameterLabel('top_p')).toBe('Top-p');
		expect(parameterLabel('stop')).toBe('Stop sequences');
		expect(parameterLabel('frequencyPenalty')).toBe('Frequency penalty');
		expect(parameterLabel('presence_penalty')).toBe('Presence penalty');
		expect(parameterValue(['\n\n', 'END'])).toBe('“\n\n”, “END”');
		expect(parameterValue([])).toBe('none');
		expect(parameterValue(true)).toBe('yes');
		expect(parameterValue(0.2)).toBe('0.2');
		expect(parameterValue({ top_k: 5 })).toBe('Top-k: 5');
		expect(parameterValue(null)).toBe('—');
	});
});
