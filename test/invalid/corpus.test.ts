import * as fs from 'fs';
import * as path from 'path';
import { checkRejection, InvalidProgram, parseRules, runProgram } from './corpus';
import { peered } from './programs';
import { ROWS } from './rows';

/*
 * Issue 8's invalid-program corpus: every program in test/invalid/rows/ must be rejected by the library,
 * with a message that names the prop (and the construct path), shows the value and gives the fix, and
 * without anything synthesized. RULES.md maps every rule the library enforces to the rows covering it.
 * At the end of the run the summary reporter prints "invalid programs: N rejected, M accepted".
 */

const counts = { rejected: 0, accepted: 0 };

describe('invalid programs', () => {
  test.each(ROWS.map((row) => [row.name, row] as [string, InvalidProgram]))('rejects: %s', (_name, row) => {
    const outcome = runProgram(row);
    if (outcome.kind === 'construct' || outcome.kind === 'synth') counts.rejected++;
    if (outcome.kind === 'accepted') counts.accepted++;
    const problems = checkRejection(row, outcome);
    if (problems.length > 0) throw new Error(`${row.name} (rule ${row.rule}):\n- ${problems.join('\n- ')}`);
  });

  afterAll(() => {
    const line = `invalid programs: ${counts.rejected} rejected, ${counts.accepted} accepted`;
    const dir = process.env.JEST_SUMMARY_LINES_DIR;
    if (dir && fs.existsSync(dir)) fs.writeFileSync(path.join(dir, 'invalid-programs'), `${line}\n`);
    else console.log(line);
  });
});

describe('RULES.md', () => {
  const rules = parseRules(fs.readFileSync(path.join(__dirname, 'RULES.md'), 'utf8'));
  const byName = new Map(ROWS.map((r) => [r.name, r]));

  test('lists rules', () => {
    expect(rules.length).toBeGreaterThan(0);
  });

  test('row names are unique and usable in RULES.md', () => {
    const names = ROWS.map((r) => r.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(names.filter((n) => /[`|]/.test(n))).toEqual([]);
  });

  test('rule ids are unique', () => {
    const ids = rules.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('every rule listed has at least one row, and every row listed breaks that rule', () => {
    const problems: string[] = [];
    for (const rule of rules) {
      if (rule.rows.length === 0) problems.push(`RULES.md:${rule.lineNumber}: rule ${rule.id} has no row`);
      for (const name of rule.rows) {
        const row = byName.get(name);
        if (!row) problems.push(`RULES.md:${rule.lineNumber}: rule ${rule.id} lists "${name}", which is not a row`);
        else if (row.rule !== rule.id) problems.push(`RULES.md:${rule.lineNumber}: rule ${rule.id} lists "${name}", which breaks ${row.rule}`);
        else if (['construct', 'synth'].includes(rule.when) && row.at !== rule.when) {
          problems.push(`RULES.md:${rule.lineNumber}: rule ${rule.id} rejects at ${rule.when}, but row "${name}" expects ${row.at}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every row is listed under the rule it breaks', () => {
    const ids = new Map(rules.map((r) => [r.id, r]));
    const problems = ROWS.flatMap((row) => {
      const rule = ids.get(row.rule);
      if (!rule) return [`row "${row.name}" breaks rule ${row.rule}, which RULES.md does not list`];
      return rule.rows.includes(row.name) ? [] : [`row "${row.name}" is missing from rule ${row.rule} (RULES.md:${rule.lineNumber})`];
    });
    expect(problems).toEqual([]);
  });
});

/** The harness itself: a corpus whose checks could not fail would prove nothing. */
describe('the corpus harness', () => {
  const row = (name: string) => ROWS.find((r) => r.name === name)!;
  const problemsOf = (program: InvalidProgram) => checkRejection(program, runProgram(program));

  test('reports a valid program as accepted, and sees the files its synth writes', () => {
    const valid: InvalidProgram = { ...row('connection: a service calls itself'), build: (app) => peered(app) };
    const outcome = runProgram(valid);
    expect(outcome.kind).toBe('accepted');
    expect(outcome.written).toEqual(expect.arrayContaining(['manifest.json', 'stacks/mesh/cdk.tf.json']));
    expect(checkRejection(valid, outcome)[0]).toMatch(/ACCEPTED/);
  });

  test('reports a rejection at the other time', () => {
    expect(problemsOf({ ...row('connection: a service calls itself'), at: 'synth' })[0]).toMatch(/expected a rejection at synth, got construct/);
  });

  test('reports a wrong prop, value, path or fix of a construct-time rejection', () => {
    const base = row('service: port 70000');
    expect(problemsOf(base)).toEqual([]);
    expect(problemsOf({ ...base, prop: 'sidecarPort' }).join('\n')).toMatch(/prop is "port", expected "sidecarPort"/);
    expect(problemsOf({ ...base, value: 7000 }).join('\n')).toMatch(/value is 70000, expected 7000/);
    expect(problemsOf({ ...base, path: 'mesh/Dc1' }).join('\n')).toMatch(/constructPath is "mesh\/Dc1\/Partitions\/default\/Web"/);
    expect(problemsOf({ ...base, fix: 'use a bigger port' }).join('\n')).toMatch(/does not contain "use a bigger port"/);
  });

  test('reports a synth-time rejection on another construct, without the fix, or with more messages', () => {
    const base = row('intentions: an entry without sources');
    expect(problemsOf(base)).toEqual([]);
    expect(problemsOf({ ...base, path: 'mesh/Dc1' }).join('\n')).toMatch(/no message on \[mesh\/Dc1\]/);
    expect(problemsOf({ ...base, fix: 'remove the service' }).join('\n')).toMatch(/no message on \[mesh\/Empty\]/);
    expect(problemsOf({ ...base, messages: 2 }).join('\n')).toMatch(/expected 2 validation message\(s\), got 1/);
  });

  test('reads rule lines from RULES.md tables and nothing else', () => {
    const text = [
      '| rule | where | what | when | rows |',
      '| --- | --- | --- | --- | --- |',
      '| `a.b` | x.ts: `f` | refuses `*_prefix ""` | synth | `row one`, `row, two` |',
      '| `a.c` | y.ts | z | construct |  |',
      '- `not.a.rule` in a list',
    ].join('\n');
    expect(parseRules(text)).toEqual([
      { id: 'a.b', when: 'synth', rows: ['row one', 'row, two'], lineNumber: 3 },
      { id: 'a.c', when: 'construct', rows: [], lineNumber: 4 },
    ]);
  });

  test('reports an error that is not a ValidationError as a crash', () => {
    const crash: InvalidProgram = {
      ...row('connection: a service calls itself'),
      build: () => {
        throw new TypeError('boom');
      },
    };
    expect(runProgram(crash).kind).toBe('crashed');
  });
});
