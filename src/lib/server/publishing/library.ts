// The public library's listing: full-text search over public_prompts (its generated, weighted,
// GIN-indexed tsvector), tag and model filters, four sorts and pages. Hidden prompts never appear;
// unpublished ones have no public_prompts row. Reads only: the rows are written by ./listing.ts.
//
// Cost stays bounded on a large library: counts stop at what a visitor can page through (10,000),
// relevance ranks every match only when there are at most that many (a broader query ranks its
// newest RANK_WINDOW matches), and excerpts (ts_headline) are computed for the page's rows only.
import { EXCERPT_MARK, PUBLISH_LIMITS, type LibraryPage, type LibraryQuery, type PublicPromptCard } from '$lib/schemas/publishing';
import { prisma, Prisma } from '../db';

const PAGE_SIZE = PUBLISH_LIMITS.pageSize;
/** Counting stops here: the deepest page a visitor may open holds match number 10,000. */
export const COUNT_CAP = PUBLISH_LIMITS.maxPage * PUBLISH_LIMITS.pageSize;
/** Up to this many matches are all ranked for relevance; a broader query has its newest RANK_WINDOW matches ranked. */
export const RANK_ALL_UP_TO = 5000;
export const RANK_WINDOW = 1000;
export const TRENDING_DAYS = 7;
/** Up to this many matches a text query is selective: its rows are best found through the GIN index. */
const SELECTIVE_MATCHES = 2000;

/** ts_rank_cd weights for D, C, B, A: text (C) counts a fifth of the title (A); tags and description (B) 0.4. */
const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
/** 1: divided by 1 + log(length), so that a long text does not win by repeating a word. */
const RANK_NORMALIZATION = 1;
const DESCRIPTION_CHARS = 280;
const EXCERPT_CHARS = 280;
/** ts_headline parses the whole text it is given; the best fragment is sought in this much. */
const HEADLINE_SOURCE_CHARS = 20_000;
const MARKS = EXCERPT_MARK.start + EXCERPT_MARK.end;
/** Stands for `<` while ts_headline reads the text (another private-use character). */
const LESS_THAN = '\uE002';
const HEADLINE_OPTIONS = `StartSel=${EXCERPT_MARK.start}, StopSel=${EXCERPT_MARK.end}, MaxWords=40, MinWords=18, MaxFragments=1, ShortWord=2`;

interface CardRow {
	workspace_slug: string;
	prompt_slug: string;
	title: string;
	description: string;
	description_cut: boolean;
	tags: string[] | null;
	models: string[] | null;
	author_name: string;
	version_number: number;
	published_at: Date;
	star_count: number;
	fork_count: number;
	excerpt: string;
	text_cut: boolean;
}

const sql = Prisma.sql;
const tsquery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;

/** The query's conditions on public_prompts `pp` (hidden prompts excluded via `p`, or by NOT EXISTS when `p` is not joined). */
function conditions(query: LibraryQuery, joined: boolean): Prisma.Sql {
	const parts = [
		joined
			? sql`p.hidden_at IS NULL`
			: sql`NOT EXISTS (SELECT 1 FROM prompt_library h WHERE h.id = pp.prompt_id AND h.hidden_at IS NOT NULL)`
	];
	if (query.tag) parts.push(sql`pp.tags @> ARRAY[${query.tag}]::text[]`);
	if (query.model) parts.push(sql`pp.models @> ARRAY[${query.model}]::text[]`);
	// Last: PostgreSQL checks equally cheap-looking conditions in the order written, and this one
	// reads the row's tsvector; the array checks before it are really cheap.
	if (query.q) parts.push(sql`pp.search @@ ${tsquery(query.q)}`);
	return Prisma.join(parts, ' AND ');
}

const rank = (q: string) => sql`ts_rank_cd('${Prisma.raw(RANK_WEIGHTS)}'::float4[], pp.search, ${tsquery(q)}, ${Prisma.raw(String(RANK_NORMALIZATION))})`;

/** What every page query selects of a row (the text is cut or highlighted afterwards, for the page's rows only). */
const LISTING_FIELDS = ['prompt_id', 'workspace_slug', 'prompt_slug', 'title', 'description', 'tags', 'models', 'author_name', 'version_number', 'published_at', 'text'];
const PROMPT_FIELDS = ['star_count', 'fork_count'];
const CARD_COLUMNS = Prisma.raw([...LISTING_FIELDS.map((f) => `pp.${f}`), ...PROMPT_FIELDS.map((f) => `p.${f}`)].join(', '));
const columnsOf = (alias: string) => Prisma.raw([...LISTING_FIELDS, ...PROMPT_FIELDS].map((f) => `${alias}.${f}`).join(', '));
const FROM_LISTED = sql`public_prompts pp JOIN prompt_library p ON p.id = pp.prompt_id`;
const raw = (value: number) => Prisma.raw(String(value));

/** How a page is best computed, from what the count said about a text query. */
export interface Shape {
	/** More matches than RANK_ALL_UP_TO: relevance ranks the newest RANK_WINDOW of them. */
	window: boolean;
	/** More than SELECTIVE_MATCHES matches. */
	broad: boolean;
	/**
	 * Newest and stars may walk their index (published_at, star_count), checking each row until the
	 * page is full. False when the matches are so few that the walk would read more rows than there
	 * are matches: the matches are then found through the GIN index and sorted.
	 */
	walk: boolean;
}

const BROWSE: Shape = { window: false, broad: false, walk: true };

interface PageRows {
	/** A query for the page's rows with CARD_COLUMNS and its sort keys. */
	rows: Prisma.Sql;
	/** The same order over those rows, as `page.<column>`. */
	order: Prisma.Sql;
}

/**
 * The page's rows. Each sort is shaped so that PostgreSQL can use an index for it: published_at
 * (newest), star_count (stars), the stars' created_at (trending), the GIN index on search (any
 * text query); only relevance has to rank every match.
 */
function pageRows(query: LibraryQuery, offset: number, { window, broad, walk }: Shape): PageRows {
	const where = conditions(query, true);
	const limit = sql`LIMIT ${raw(PAGE_SIZE)} OFFSET ${raw(offset)}`;
	switch (query.sort) {
		case 'relevance': {
			const order = sql`page.rank DESC, page.published_at DESC, page.prompt_id DESC`;
			if (!window) {
				return {
					rows: sql`SELECT ${CARD_COLUMNS}, ${rank(query.q)} AS rank FROM ${FROM_LISTED} WHERE ${where}
						ORDER BY rank DESC, pp.published_at DESC, pp.prompt_id DESC ${limit}`,
					order
				};
			}
			// Too many matches to rank them all: the newest RANK_WINDOW matches are ranked.
			return {
				rows: sql`SELECT c.* FROM (
						SELECT ${CARD_COLUMNS}, ${rank(query.q)} AS rank FROM ${FROM_LISTED} WHERE ${where}
						ORDER BY pp.published_at DESC, pp.prompt_id DESC LIMIT ${raw(RANK_WINDOW)}
					) c ORDER BY c.rank DESC, c.published_at DESC, c.prompt_id DESC ${limit}`,
				order
			};
		}
		case 'stars':
			// `+ 0` (and `+ interval '0 s'` below): an order no index gives, so the GIN index finds the rows.
			return {
				rows: sql`SELECT ${CARD_COLUMNS} FROM ${FROM_LISTED} WHERE ${where}
					ORDER BY ${walk ? sql`p.star_count` : sql`p.star_count + 0`} DESC, pp.published_at DESC, pp.prompt_id DESC ${limit}`,
				order: sql`page.star_count DESC, page.published_at DESC, page.prompt_id DESC`
			};
		case 'trending': {
			// Prompts starred in the window come first (by those stars), then every other prompt by
			// stars and date. Two ordered, limited halves: the first from the few recent stars, the
			// second along the star_count index, so neither sorts the whole library.
			const since = sql`now() - interval '${raw(TRENDING_DAYS)} days'`;
			const take = raw(offset + PAGE_SIZE);
			// With a broad text query, the first half is ordered before the query is checked (OFFSET 0
			// keeps PostgreSQL from pushing the check down), so that only the first few rows' tsvectors
			// are read rather than every row's; a selective query is found through the GIN index.
			const recent = !broad
				? sql`SELECT ${CARD_COLUMNS}, r.recent
					FROM (SELECT prompt_id, count(*)::int AS recent FROM prompt_stars WHERE created_at > ${since} GROUP BY prompt_id) r
					JOIN public_prompts pp ON pp.prompt_id = r.prompt_id JOIN prompt_library p ON p.id = pp.prompt_id
					WHERE ${where}
					ORDER BY r.recent DESC, p.star_count DESC, pp.published_at DESC, pp.prompt_id DESC LIMIT ${take}`
				: sql`SELECT ${columnsOf('a')}, a.recent FROM (
					SELECT ${CARD_COLUMNS}, pp.search, r.recent
					FROM (SELECT prompt_id, count(*)::int AS recent FROM prompt_stars WHERE created_at > ${since} GROUP BY prompt_id) r
					JOIN public_prompts pp ON pp.prompt_id = r.prompt_id JOIN prompt_library p ON p.id = pp.prompt_id
					WHERE ${conditions({ ...query, q: '' }, true)}
					ORDER BY r.recent DESC, p.star_count DESC, pp.published_at DESC, pp.prompt_id DESC OFFSET 0
				) a WHERE a.search @@ ${tsquery(query.q)} LIMIT ${take}`;
			const others = sql`SELECT ${CARD_COLUMNS}, 0 AS recent FROM ${FROM_LISTED}
					WHERE ${where} AND NOT EXISTS (SELECT 1 FROM prompt_stars s WHERE s.prompt_id = pp.prompt_id AND s.created_at > ${since})
					ORDER BY p.star_count DESC, pp.published_at DESC, pp.prompt_id DESC LIMIT ${take}`;
			return {
				rows: sql`SELECT u.* FROM ((${recent}) UNION ALL (${others})) u
					ORDER BY u.recent DESC, u.star_count DESC, u.published_at DESC, u.prompt_id DESC ${limit}`,
				order: sql`page.recent DESC, page.star_count DESC, page.published_at DESC, page.prompt_id DESC`
			};
		}
		case 'newest':
			return {
				rows: sql`SELECT ${CARD_COLUMNS} FROM ${FROM_LISTED} WHERE ${where}
					ORDER BY ${walk ? sql`pp.published_at` : sql`pp.published_at + interval '0 s'`} DESC, pp.prompt_id DESC ${limit}`,
				order: sql`page.published_at DESC, page.prompt_id DESC`
			};
	}
}

/** The page's cards: row data, the description cut for a card, and the excerpt (a highlighted fragment for a search). */
function cardsQuery(query: LibraryQuery, offset: number, shape: Shape): Prisma.Sql {
	const { rows, order } = pageRows(query, offset, shape);
	// ts_headline's parser drops whatever looks like an HTML tag, and prompts about code are full of
	// them: `<` goes in as LESS_THAN and comes back afterwards, so the excerpt shows the text as written.
	const excerpt = query.q
		? sql`ts_headline('english', left(translate(page.text, ${`<${MARKS}${LESS_THAN}`}, ${LESS_THAN}), ${raw(HEADLINE_SOURCE_CHARS)}), ${tsquery(query.q)}, ${HEADLINE_OPTIONS})`
		: sql`left(translate(page.text, ${MARKS}, ''), ${raw(EXCERPT_CHARS)})`;
	return sql`SELECT page.workspace_slug, page.prompt_slug, page.title, left(page.description, ${raw(DESCRIPTION_CHARS)}) AS description,
			char_length(page.description) > ${raw(DESCRIPTION_CHARS)} AS description_cut, page.tags, page.models, page.author_name,
			page.version_number, page.published_at, page.star_count, page.fork_count, ${excerpt} AS excerpt,
			char_length(page.text) > ${raw(EXCERPT_CHARS)} AS text_cut
		FROM (${rows}) page ORDER BY ${order}`;
}

export interface Counted {
	/** Matches, counted up to COUNT_CAP + 1. */
	count: number;
	/** About how many prompts the library holds (the planner's estimate). */
	size: number;
}

/**
 * How many prompts match, counted up to COUNT_CAP + 1, and about how many there are in all. A
 * text query is counted through the GIN index (see indexFirst).
 */
async function countMatches(query: LibraryQuery): Promise<Counted> {
	const db = await prisma();
	const count = sql`SELECT (SELECT count(*)::int FROM (SELECT 1 FROM public_prompts pp WHERE ${conditions(query, false)} LIMIT ${raw(COUNT_CAP + 1)}) s) AS n,
		(SELECT reltuples::float8 FROM pg_class WHERE oid = 'public_prompts'::regclass) AS size`;
	const [row] = query.q ? await indexFirst<Array<{ n: number; size: number }>>(count) : await db.$queryRaw<Array<{ n: number; size: number }>>(count);
	const n = row?.n ?? 0;
	// A table never analysed has no estimate (-1).
	return { count: n, size: Math.max(row?.size ?? 0, n) };
}

/**
 * Runs a text query's statement with sequential scans of the table ruled out. The planner does not
 * count what reading a row's tsvector costs (it is compressed, often out of line): a scan reads
 * every row's, where the GIN index only finds the matching rows.
 */
async function indexFirst<T>(statement: Prisma.Sql): Promise<T> {
	const db = await prisma();
	const [, rows] = await db.$transaction([db.$executeRaw`SET LOCAL enable_seqscan = off`, db.$queryRaw<T>(statement)]);
	return rows;
}

const ellipsis = (text: string, cut: boolean) => (cut ? `${text.trimEnd()}…` : text);

function toCard(row: CardRow, highlighted: boolean): PublicPromptCard {
	return {
		workspaceSlug: row.workspace_slug,
		promptSlug: row.prompt_slug,
		title: row.title,
		description: ellipsis(row.description, row.description_cut),
		tags: row.tags ?? [],
		models: row.models ?? [],
		authorName: row.author_name,
		versionNumber: row.version_number,
		publishedAt: row.published_at.toISOString(),
		starCount: row.star_count,
		forkCount: row.fork_count,
		// A headline is a fragment already; a plain excerpt is the start of the text.
		excerpt: highlighted ? row.excerpt.replaceAll(LESS_THAN, '<') : ellipsis(row.excerpt, row.text_cut)
	};
}

/** How a text query's page is computed, from its count (see Shape). */
export function searchShape({ count, size }: Counted, offset: number): Shape {
	// Rows an index walk would read to fill this page, at this query's share of the library.
	const walked = ((offset + PAGE_SIZE) * size) / Math.max(count, 1);
	return { window: count > RANK_ALL_UP_TO, broad: count > SELECTIVE_MATCHES, walk: count > COUNT_CAP || walked <= count };
}

/** One page of the public library for a parsed LibraryQuery (libraryQuerySchema). */
export async function searchLibrary(query: LibraryQuery): Promise<LibraryPage> {
	const db = await prisma();
	const offset = (query.page - 1) * PAGE_SIZE;
	let counted: Counted;
	let rows: CardRow[];
	let shape = BROWSE;
	if (!query.q) {
		const sort = query.sort === 'relevance' ? 'newest' : query.sort;
		[counted, rows] = await Promise.all([countMatches(query), db.$queryRaw<CardRow[]>(cardsQuery({ ...query, sort }, offset, BROWSE))]);
	} else {
		// How many prompts a text query matches decides how its page is best computed: the count comes first.
		counted = await countMatches(query);
		shape = searchShape(counted, offset);
		const statement = cardsQuery(query, offset, shape);
		// A broad trending query checks the text of its first rows only (see pageRows): joining the
		// recent stars to the table by a scan is then the cheaper plan, so the planner keeps its choice.
		rows = query.sort === 'trending' && shape.broad ? await db.$queryRaw<CardRow[]>(statement) : await indexFirst<CardRow[]>(statement);
	}
	const { count } = counted;
	const window = shape.window && query.sort === 'relevance';
	const total = Math.min(count, COUNT_CAP);
	const reachable = window ? RANK_WINDOW : total;
	return {
		cards: rows.map((row) => toCard(row, query.q !== '')),
		total,
		totalIsEstimate: count > COUNT_CAP,
		rankedAmong: window ? RANK_WINDOW : null,
		page: query.page,
		pageCount: Math.ceil(reachable / PAGE_SIZE)
	};
}
