import { randomUUID } from 'node:crypto';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { type Static, Type } from '@sinclair/typebox';
import {
  defineRoute,
  deriveId,
  ownedOrNotFound,
  Page,
  PageQuery,
  PageQueryWith,
  ProblemError,
  paginate,
  type Route,
} from '../src/index';

/** A tiny per-user resource, to exercise the package as an app would. */
export const Note = Type.Object(
  {
    note_id: Type.String(),
    user_id: Type.String(),
    title: Type.String(),
    priority: Type.Integer(),
    kind: Type.Union([Type.Literal('todo'), Type.Literal('idea')]),
    tags: Type.Array(Type.String()),
    archived: Type.Boolean(),
    created_at: Type.String(),
  },
  { $id: 'Note', additionalProperties: false },
);
export type Note = Static<typeof Note>;

export const CreateNote = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    priority: Type.Integer({ minimum: 1, maximum: 5 }),
    kind: Type.Union([Type.Literal('todo'), Type.Literal('idea')]),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 5 })),
  },
  { $id: 'CreateNote', additionalProperties: false },
);

const NoteParams = Type.Object({ note_id: Type.String({ minLength: 1, maxLength: 64 }) });

interface StoredNote extends Omit<Note, 'created_at'> {
  created_at: Timestamp;
}

const toNote = (n: StoredNote): Note => ({ ...n, created_at: n.created_at.toDate().toISOString() });

/** Knobs a test turns: count handler runs, hold a run open, fail a run. */
export interface NotesControl {
  runs: number;
  /** Awaited inside the create handler before it answers. */
  hold?: Promise<void>;
  /** Thrown by the next create run (then cleared). */
  failNext?: Error;
}

export function notesRoutes(firestore: Firestore, control: NotesControl): Route[] {
  const notes = firestore.collection('notes');
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/notes',
      summary: 'Create a note',
      auth: 'user',
      body: CreateNote,
      responses: { 201: Note },
      responseHeaders: { 201: { Location: 'The note' } },
      async handler({ body, principal, idempotencyKey }) {
        control.runs++;
        const hold = control.hold;
        // A key makes the id deterministic: a retry after a crash finds what it committed.
        const noteId = idempotencyKey
          ? deriveId('note', principal.userId, idempotencyKey)
          : `note_${randomUUID()}`;
        const stored: StoredNote = {
          note_id: noteId,
          user_id: principal.userId,
          title: body.title,
          priority: body.priority,
          kind: body.kind,
          tags: body.tags ?? [],
          archived: false,
          created_at: Timestamp.now(),
        };
        await notes.doc(noteId).set(stored);
        if (hold) await hold;
        const failure = control.failNext;
        if (failure) {
          control.failNext = undefined;
          throw failure;
        }
        return { status: 201, body: toNote(stored), headers: { location: `/v1/notes/${noteId}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/notes/{note_id}',
      summary: 'Read a note',
      auth: 'user',
      params: NoteParams,
      responses: { 200: Note },
      async handler({ params, principal }) {
        const snap = await notes.doc(params.note_id).get();
        return {
          status: 200,
          body: toNote(ownedOrNotFound(snap.data() as StoredNote | undefined, principal, 'note')),
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/notes/{note_id}',
      summary: 'Delete a note',
      auth: 'user',
      params: NoteParams,
      responses: { 204: null },
      async handler({ params, principal }) {
        const ref = notes.doc(params.note_id);
        ownedOrNotFound((await ref.get()).data() as StoredNote | undefined, principal, 'note');
        await ref.delete();
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/notes/{note_id}/archive',
      summary: 'Archive a note',
      auth: 'user',
      params: NoteParams,
      idempotent: 'required',
      responses: { 200: Note },
      problems: [409],
      async handler({ params, principal }) {
        const ref = notes.doc(params.note_id);
        const note = ownedOrNotFound(
          (await ref.get()).data() as StoredNote | undefined,
          principal,
          'note',
        );
        if (note.archived) throw new ProblemError(409, 'conflict', 'note is already archived');
        await ref.update({ archived: true });
        return { status: 200, body: toNote({ ...note, archived: true }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/notes',
      summary: 'List my notes, newest first',
      auth: 'user',
      query: PageQueryWith(
        Type.Object({
          kind: Type.Optional(Type.Union([Type.Literal('todo'), Type.Literal('idea')])),
        }),
      ),
      responses: { 200: Page(Note) },
      async handler({ query, principal }) {
        let q = notes.where('user_id', '==', principal.userId);
        if (query.kind) q = q.where('kind', '==', query.kind);
        const page = await paginate(q, {
          orderBy: [['created_at', 'desc']],
          limit: query.limit,
          cursor: query.cursor,
          map: (doc) => toNote(doc.data() as StoredNote),
        });
        return { status: 200, body: page };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/ops/notes',
      summary: 'List every note (operators)',
      auth: 'operator',
      query: PageQuery,
      responses: { 200: Page(Note) },
      async handler({ query }) {
        const page = await paginate(notes, {
          orderBy: [['priority', 'asc']],
          limit: query.limit,
          cursor: query.cursor,
          map: (doc) => toNote(doc.data() as StoredNote),
        });
        return { status: 200, body: page };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/whoami',
      summary: 'The caller',
      auth: 'user_or_operator',
      responses: {
        200: Type.Object(
          { kind: Type.String(), id: Type.String() },
          { additionalProperties: false },
        ),
      },
      handler({ principal }) {
        const id = principal.kind === 'user' ? principal.userId : principal.email;
        return { status: 200, body: { kind: principal.kind, id } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/health',
      summary: 'Liveness',
      auth: 'none',
      responses: { 200: Type.Object({ ok: Type.Boolean() }, { additionalProperties: false }) },
      handler: () => ({ status: 200, body: { ok: true } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/boom',
      summary: 'Fails unexpectedly',
      auth: 'none',
      responses: { 200: Type.Object({}) },
      handler() {
        throw new Error('db password is hunter2');
      },
    }),
  ];
}
