import { IResolvable, IResolveContext, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/*
 * Values rendered at synth: what cdktf's `Lazy` does, without the stack trace.
 *
 * cdktf's `Lazy` captures a complete stack trace when it is created (Error.captureStackTrace with no frame
 * limit, formatted at once), only to print it if the value later fails to resolve. The library renders
 * many values at synth (a pod's service definition, a config entry's body, an ACL policy's rules), always
 * from a construct it knows, so it names that construct instead: creating one costs an object, not a stack
 * trace. Resolution is the same as `Lazy`'s: the produced value is resolved further (tokens inside it
 * included), and the `omitEmpty` rule of `Lazy.listValue` applies.
 */

class Rendered implements IResolvable {
  public constructor(
    private readonly owner: IConstruct,
    private readonly what: string,
    private readonly produce: () => unknown,
    private readonly omitEmpty: boolean,
  ) {}

  /** Printed by cdktf when resolution fails: where the value comes from. */
  public get creationStack(): string[] {
    return [`${this.what} of ${this.owner.node.path} (rendered at synth by cdktf-consul-peering)`];
  }

  public resolve(_context: IResolveContext): unknown {
    const value = this.produce();
    return this.omitEmpty && Array.isArray(value) && value.length === 0 ? undefined : value;
  }

  public toString(): string {
    return Token.asString(this);
  }

  public toJSON(): string {
    return '<unresolved-rendered>';
  }
}

/** A string token whose value `produce` returns at synth (`what` of `owner`, for diagnostics). */
export function renderedString(owner: IConstruct, what: string, produce: () => string): string {
  return Token.asString(new Rendered(owner, what, produce, false));
}

/**
 * A list token whose value `produce` returns at synth; with `omitEmpty`, an empty list leaves the attribute
 * out (as `Lazy.listValue`'s option does).
 */
export function renderedList(owner: IConstruct, what: string, produce: () => string[], options: { omitEmpty?: boolean } = {}): string[] {
  return Token.asList(new Rendered(owner, what, produce, options.omitEmpty ?? false));
}

/**
 * An untyped token (an `IResolvable`) whose value `produce` returns at synth, for a block or a list of
 * blocks of an L1 (as `Lazy.anyValue` without options).
 */
export function renderedAny(owner: IConstruct, what: string, produce: () => unknown): IResolvable {
  return new Rendered(owner, what, produce, false);
}
