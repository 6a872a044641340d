// A run's append-only, sequence-numbered token log (execution_chunks), written in small batches
// so that any instance can replay a run, and a participant who joins late or reconnects gets every
// token before the live tail. Tokens go to sockets first and to the log right after: the log never
// holds up the stream. A failed write is logged and retried with the next batch, never dropped.
import { prisma } from '../db';
import { logger } from '../logger';

export interface LoggedToken {
	seq: number;
	text: string;
}

export class TokenLog {
	private pending: LoggedToken[] = [];
	private timer: ReturnType<typeof setTimeout> | undefined;
	private writing: Promise<void> = Promise.resolve();
	private failures = 0;

	constructor(
		private readonly executionId: string,
		private readonly flushEveryTokens: number,
		private readonly flushIntervalMs: number
	) {}

	append(token: LoggedToken): void {
		this.pending.push(token);
		if (this.pending.length >= this.flushEveryTokens) void this.flush();
		else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
	}

	/** Writes what is pending; resolves once every token appended so far is stored (or given up on). */
	flush(): Promise<void> {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.writing = this.writing.then(() => this.writePending());
		return this.writing;
	}

	private async writePending(): Promise<void> {
		if (this.pending.length === 0) return;
		const batch = this.pending;
		this.pending = [];
		try {
			const db = await prisma();
			// skipDuplicates: a retried batch whose first write did land must not fail on its own rows.
			await db.executionChunk.createMany({ data: batch.map((t) => ({ executionId: this.executionId, ...t })), skipDuplicates: true });
			this.failures = 0;
		} catch (error) {
			this.failures++;
			logger.error({ err: error, executionId: this.executionId, tokens: batch.length, failures: this.failures }, 'writing a run token log failed');
			// Keep them for the next write; after repeated failures the run's output column still holds the text.
			if (this.failures < 5) this.pending = [...batch, ...this.pending];
			if (this.pending.length > 0 && this.failures < 5) this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs * 10);
		}
	}
}

/** The logged tokens of a run after `afterSeq`, in order. */
export async function tokensAfter(executionId: string, afterSeq: number, limit = 100_000): Promise<LoggedToken[]> {
	const db = await prisma();
	return db.executionChunk.findMany({
		where: { executionId, seq: { gt: afterSeq } },
		orderBy: { seq: 'asc' },
		select: { seq: true, text: true },
		take: limit
	});
}

/** The highest sequence number logged for each run (0 for none). */
export async function lastSequences(executionIds: string[]): Promise<Map<string, number>> {
	if (executionIds.length === 0) return new Map();
	const db = await prisma();
	const rows = await db.executionChunk.groupBy({ by: ['executionId'], where: { executionId: { in: executionIds } }, _max: { seq: true } });
	return new Map(rows.map((row) => [row.executionId, row._max.seq ?? 0]));
}
