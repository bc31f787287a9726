/*
 * Diagnostic preload for `BENCH_CREATION_STACKS=off npm run bench` (both sides get it): replaces cdktf's
 * `captureStackTrace` with one that captures nothing, so that every Lazy, reference and nested-block list is
 * created without a creation stack.
 *
 * cdktf 0.21 captures the complete stack (no frame limit) for each of them and has no switch to turn it off
 * (hashicorp/terraform-cdk#3892, open; aws-cdk captures token stacks only with CDK_DEBUG, and the cdktf fork
 * cdk-terrain added CDKTN_DISABLE_CREATION_STACK for the same reason). Its cost grows with the depth of the
 * call stack at creation, which is where a construct library differs most from a flat hand-written program.
 * Timing both sides without it separates the library's own work from that cost. It is never how the
 * library's ratio is reported: users run cdktf as it is.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require('cdktf/lib/tokens/private/stack-trace');
stackTrace.captureStackTrace = (): string[] => [];
