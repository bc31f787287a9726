import { IConstruct } from 'constructs';

/** What is wrong with one prop, and how to fix it. */
export interface ValidationProblem {
  /** The prop (or call) the user wrote, in the user's words: `localBindPort`, `connectTo(via)`. */
  readonly prop: string;
  /**
   * The value given. Rendered as JSON in the message.
   * @default - no value is shown (the problem is about the prop as a whole)
   */
  readonly value?: any;
  /** What is wrong, as a sentence fragment that follows the prop and value: `is not a valid port`. */
  readonly problem: string;
  /** How to fix it, as an instruction: `use an integer from 1 to 65535`. */
  readonly fix: string;
}

/**
 * The one error type of this library: thrown for input that is wrong on its face (at construction or in an
 * `add…` call), and the format of every synth-time validation message. It carries the construct path, the
 * prop, the value and the fix, so tools and tests can read them without parsing the message.
 *
 * Messages read `[<construct path>] <prop> <value> <problem>; <fix>`. Synth-time validations return the same
 * text without the path, which cdktf prefixes itself, and cdktf reports every failing validation of a stack
 * together.
 *
 * TypeScript and JavaScript only: jsii cannot describe a subclass of `Error`, so in Python, Java, Go and .NET
 * the same message arrives as that language's jsii runtime error.
 *
 * @jsii ignore jsii cannot represent a subclass of Error; other languages receive the message as a runtime error
 */
export class ValidationError extends Error {
  /** True when `x` is a {@link ValidationError} (also across copies of this library). */
  public static isValidationError(x: unknown): x is ValidationError {
    return x !== null && typeof x === 'object' && (x as any)[VALIDATION_ERROR] === true;
  }

  /**
   * The message of a synth-time validation (for `node.addValidation`): the problem without the construct
   * path, which cdktf adds.
   */
  public static message(problem: ValidationProblem): string {
    const value = problem.value === undefined ? '' : ` ${show(problem.value)}`;
    return `${problem.prop}${value} ${problem.problem}; ${problem.fix}`;
  }

  /** Path of the construct the problem belongs to, or "" when it was found before any construct existed. */
  public readonly constructPath: string;
  /** The prop or call at fault. */
  public readonly prop: string;
  /** The value given, if any. */
  public readonly value?: any;
  /** How to fix it. */
  public readonly fix: string;

  public constructor(scope: IConstruct | undefined, problem: ValidationProblem) {
    const path = scope?.node.path ?? '';
    super(`${path ? `[${path}] ` : ''}${ValidationError.message(problem)}`);
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
    this.name = 'ValidationError';
    this.constructPath = path;
    this.prop = problem.prop;
    this.value = problem.value;
    this.fix = problem.fix;
  }
}

const VALIDATION_ERROR = Symbol.for('cdktf-consul-peering.ValidationError');

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
