import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { ValidationError } from '../../lib';

/*
 * The invalid-program corpus (issue 8): programs written only against the public API, each of which the
 * library must refuse, either at once (a ValidationError thrown while the program builds) or at synth (a
 * failing validation, reported by cdktf before anything is written).
 *
 * Adding a row: append an `InvalidProgram` to one of the arrays in test/invalid/rows/ (or add a file there
 * and list it in rows/index.ts), and add its name to the rule's line in test/invalid/RULES.md (a new rule
 * gets a new line there). The test fails when a rule has no row, when a row names a rule RULES.md does not
 * list, or when the two disagree.
 */

/** When the library must refuse the program. */
export type RejectedAt = 'construct' | 'synth';

/** One invalid program and what its rejection must say. */
export interface InvalidProgram {
  /** Unique name; RULES.md lists rows by it (in backquotes), so no "`" and no "|". */
  readonly name: string;
  /** The id of the rule (a line of RULES.md) the program breaks. */
  readonly rule: string;
  /**
   * Builds the program in `app` (a fresh App with its own output directory). It must not call
   * `app.synth()`: the runner does, after the program was built.
   */
  readonly build: (app: App) => void;
  /** `construct`: a ValidationError is thrown while building; `synth`: a validation fails at synth. */
  readonly at: RejectedAt;
  /**
   * The construct path the problem is reported on: `ValidationError.constructPath` for `construct` (`''`
   * where the library has no construct to name, e.g. a static factory), the `[path]` prefix cdktf writes
   * before the message for `synth`.
   */
  readonly path: string;
  /** The prop or call the message must name, in the user's words (`localBindPort`, `connectTo(via)`). */
  readonly prop: string;
  /**
   * The value the message must show (rendered as the library renders it: JSON). Leave it out when the
   * problem has no value (a missing or empty prop, a secret).
   */
  readonly value?: unknown;
  /** Text of the fix the message must contain (for `construct`, also `ValidationError.fix`). */
  readonly fix: string;
  /** More text the message must contain (e.g. both partitions of a peering). */
  readonly also?: string[];
  /**
   * For `synth`: how many validation messages the rejection may carry in all. The corpus programs break
   * one rule each, so the default is 1: a second message means the program is not the minimal example it
   * claims to be (or another rule fired as well).
   * @default 1
   */
  readonly messages?: number;
}

/** What happened to one program. */
export interface Outcome {
  /** `construct`/`synth`: rejected there; `accepted`: synthesized; `crashed`: threw something else. */
  readonly kind: RejectedAt | 'accepted' | 'crashed';
  /** The error thrown, if any. */
  readonly error?: unknown;
  /** The message (the cdktf validation report for `synth`). */
  readonly message: string;
  /** Files the synth left under the output directory (relative paths). */
  readonly written: string[];
}

/**
 * Builds `program` in a fresh App whose output directory is a new temporary directory, then synthesizes it
 * the way a user's `main.ts` does (`app.synth()`, every validation on), and reports what happened.
 */
export function runProgram(program: InvalidProgram): Outcome {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'invalid-program-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    try {
      program.build(app);
    } catch (e) {
      return { kind: ValidationError.isValidationError(e) ? 'construct' : 'crashed', error: e, message: messageOf(e), written: filesUnder(outdir) };
    }
    try {
      app.synth();
    } catch (e) {
      const message = messageOf(e);
      const kind = /Validation failed with the following errors/.test(message) ? 'synth' : 'crashed';
      return { kind, error: e, message, written: filesUnder(outdir) };
    }
    return { kind: 'accepted', message: '', written: filesUnder(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The validation messages of a synth-time rejection, each as `[path] message`. */
export function validationMessages(report: string): string[] {
  return report
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('['));
}

/** How the library shows a value in a message (see ValidationError.message). */
export function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/**
 * What is wrong with a rejection, as readable lines (empty when it says everything the row expects).
 */
export function checkRejection(program: InvalidProgram, outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.kind !== program.at) {
    problems.push(
      outcome.kind === 'accepted'
        ? `the program was ACCEPTED (synthesized without error); expected a rejection at ${program.at}`
        : `expected a rejection at ${program.at}, got ${outcome.kind}: ${outcome.message}`,
    );
    return problems;
  }
  const synthesized = outcome.written.filter((f) => f.endsWith('cdk.tf.json') || f === 'manifest.json');
  if (synthesized.length > 0) problems.push(`the rejected program still wrote ${synthesized.join(', ')}`);

  let text: string;
  if (program.at === 'construct') {
    const v = outcome.error as ValidationError;
    text = v.message;
    if (v.constructPath !== program.path) problems.push(`constructPath is ${JSON.stringify(v.constructPath)}, expected ${JSON.stringify(program.path)}`);
    if (v.prop !== program.prop) problems.push(`prop is ${JSON.stringify(v.prop)}, expected ${JSON.stringify(program.prop)}`);
    if (program.value !== undefined && shown(v.value) !== shown(program.value)) {
      problems.push(`value is ${shown(v.value)}, expected ${shown(program.value)}`);
    }
    if (!v.fix.includes(program.fix)) problems.push(`fix ${JSON.stringify(v.fix)} does not contain ${JSON.stringify(program.fix)}`);
    const prefix = program.path ? `[${program.path}] ` : '';
    if (!text.startsWith(`${prefix}${program.prop}`)) problems.push(`message does not start with ${JSON.stringify(prefix + program.prop)}`);
  } else {
    const all = validationMessages(outcome.message);
    const mine = all.filter((m) => m.startsWith(`[${program.path}] `) && m.includes(program.prop) && m.includes(program.fix));
    if (mine.length === 0) {
      problems.push(`no message on [${program.path}] naming ${JSON.stringify(program.prop)} with fix ${JSON.stringify(program.fix)}`);
      text = outcome.message;
    } else {
      text = mine[0];
    }
    const allowed = program.messages ?? 1;
    if (all.length !== allowed) problems.push(`expected ${allowed} validation message(s), got ${all.length}`);
  }
  if (!text.includes(program.prop)) problems.push(`message does not name the prop ${JSON.stringify(program.prop)}`);
  if (program.value !== undefined && !text.includes(shown(program.value))) problems.push(`message does not show the value ${shown(program.value)}`);
  if (!text.includes(program.fix)) problems.push(`message does not contain the fix ${JSON.stringify(program.fix)}`);
  for (const part of program.also ?? []) {
    if (!text.includes(part)) problems.push(`message does not contain ${JSON.stringify(part)}`);
  }
  if (problems.length > 0) problems.push(`the message was:\n${outcome.message}`);
  return problems;
}

/** One rule of RULES.md: its id and the rows listed for it. */
export interface RuleLine {
  readonly id: string;
  /** The "when" cell: `construct` or `synth` (anything else is not checked). */
  readonly when: string;
  readonly rows: string[];
  readonly lineNumber: number;
}

/**
 * The rules of a RULES.md text: every table line whose first cell is a backquoted rule id; the last cell
 * lists the covering rows, each backquoted, separated by commas, and the one before it says when the rule
 * rejects (`construct` or `synth`).
 */
export function parseRules(text: string): RuleLine[] {
  const rules: RuleLine[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (!m) return;
    const cells = line.split('|').map((c) => c.trim());
    const last = cells[cells.length - 2] ?? '';
    const rows = [...last.matchAll(/`([^`]+)`/g)].map((r) => r[1]);
    rules.push({ id: m[1], when: cells[cells.length - 3] ?? '', rows, lineNumber: i + 1 });
  });
  return rules;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}
