// Prints one plain closing line, "tests: N passed, N failed[, N skipped]", after jest's own summary,
// so any log reader (CI included) can tell how many tests ran.
//
// A suite can add its own closing line (e.g. "invalid programs: N rejected, M accepted"): its test appends
// the line to a file in the directory named by $JEST_SUMMARY_LINES_DIR, which this reporter creates for the
// run (test workers inherit the variable). Those lines are printed, sorted, just before the "tests:" line.
const fs = require('fs');
const os = require('os');
const path = require('path');

class SummaryReporter {
  constructor() {
    this.linesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-summary-lines-'));
    process.env.JEST_SUMMARY_LINES_DIR = this.linesDir;
    process.on('exit', () => fs.rmSync(this.linesDir, { recursive: true, force: true }));
  }

  onRunStart() {
    this.takeLines();
  }

  onRunComplete(_contexts, results) {
    for (const extra of this.takeLines()) process.stdout.write(`${extra}\n`);
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`${line}\n`);
  }

  /** The suites' lines written since the last call (the files are removed). */
  takeLines() {
    const lines = [];
    fs.mkdirSync(this.linesDir, { recursive: true });
    for (const file of fs.readdirSync(this.linesDir).sort()) {
      const p = path.join(this.linesDir, file);
      lines.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== ''));
      fs.rmSync(p, { force: true });
    }
    return lines.sort();
  }
}
module.exports = SummaryReporter;
