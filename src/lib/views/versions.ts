// What the version and review pages render of comments and label moves. The server builds these
// ($lib/server/versions re-exports them); the components only draw them.
import type { DiffField } from './diff';

/** A comment's place: one line of one part of the prompt, on the old or the new side of a diff. */
export interface CommentAnchor {
	field: DiffField;
	side: 'old' | 'new';
	line: number;
}

export interface CommentEntry {
	id: string;
	author: string | null;
	body: string;
	createdAt: string;
	anchor: CommentAnchor | null;
	reviewId: string | null;
	version: number;
}

export interface LabelMoveEntry {
	id: string;
	label: string;
	from: number | null;
	to: number;
	movedBy: string | null;
	movedAt: string;
	reviewId: string | null;
}
