// Type declarations for duvo-bridge (index.js). Params and results mirror schema/openrpc.json, with Duvo's
// snake_case wire names; test/types.test.js checks the methods and param names against that document.

/// <reference types="node" />

// MARK: Duvo's objects (open: every field Duvo sends is passed through)

/** A run's status: pending, starting, running, waiting, completed, failed, stopped, interrupted, or a newer one. */
export type RunStatus = string;
export type IssueSeverity = "critical" | "medium" | "low";

export interface Run {
  id: string;
  agent_id: string;
  status: RunStatus;
  build_id?: string;
  source?: string | null;
  sandbox_id?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  created_at?: string;
  updated_at?: string;
  human_in_the_loop_enabled?: boolean;
  has_issues?: boolean;
  issue_severity?: IssueSeverity | null;
  [field: string]: unknown;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ToolResult {
  tool_call_id: string;
  result?: unknown;
  error?: string;
  [field: string]: unknown;
}

export interface Message {
  id: string;
  type: string;
  role: string;
  timestamp: string;
  text_content?: string;
  tool_call?: ToolCall;
  tool_result?: ToolResult;
  [field: string]: unknown;
}

export interface QuestionOption {
  label: string;
  description?: string;
  [field: string]: unknown;
}

export interface Question {
  question: string;
  header?: string;
  options?: QuestionOption[];
  multi_select?: boolean;
  [field: string]: unknown;
}

export interface PendingHumanRequest {
  id: string;
  title: string;
  description: string | null;
  created_at: string;
  type: "approval" | "question";
  questions?: Question[];
  [field: string]: unknown;
}

export interface HumanRequest {
  id: string;
  run_id: string;
  title: string;
  description: string | null;
  response: string | null;
  responded_at: string | null;
  created_at: string;
  [field: string]: unknown;
}

// MARK: params, one interface per method

export interface RunsStartParams {
  agent_id: string;
  message?: string;
  sandbox_id?: string;
  webhook_url?: string;
  follow?: boolean;
  team_id?: string;
}

export interface RunsGetParams {
  run_id: string;
}

export interface RunsMessagesParams {
  run_id: string;
  limit?: number;
  offset?: number;
  all?: boolean;
}

export interface RunsSendMessageParams {
  run_id: string;
  message: string;
}

export interface RunsRespondParams {
  run_id: string;
  request_id?: string;
  approved?: boolean;
  answers?: Record<string, string | string[]>;
}

export interface RunsStopParams {
  run_id: string;
}

export interface RunsListParams {
  agent_id?: string;
  status?: RunStatus | RunStatus[];
  since?: string;
  has_issues?: boolean;
  issue_severity?: IssueSeverity;
  limit?: number;
  offset?: number;
  sort_by?: "created_at" | "started_at" | "completed_at" | "updated_at";
  sort_order?: "asc" | "desc";
  all?: boolean;
  team_id?: string;
}

export interface RunsWaitParams {
  run_id: string;
  until?: "terminal" | "attention";
  timeout_s?: number;
}

export interface RunsFollowParams {
  run_id: string;
  offset?: number;
}

export interface RunsUnfollowParams {
  subscription: string;
}

export interface RunsStatsParams {
  agent_id?: string;
  since?: string;
  team_id?: string;
}

export interface RpcDiscoverParams {}

// MARK: results

export interface StartResult {
  run: Run;
  subscription?: string;
  [field: string]: unknown;
}

export interface GetResult {
  run: Run;
  pending_human_request: PendingHumanRequest | null;
  [field: string]: unknown;
}

export interface MessagesResult {
  messages: Message[];
  total: number;
  limit: number;
  offset: number;
  [field: string]: unknown;
}

export interface SendMessageResult {
  message: Message;
  [field: string]: unknown;
}

export interface RespondResult {
  human_request: HumanRequest;
  [field: string]: unknown;
}

export interface StopResult {
  success: boolean;
  message?: string;
  [field: string]: unknown;
}

export interface ListResult {
  data: Run[];
  total: number;
  limit: number;
  offset: number;
  [field: string]: unknown;
}

export interface WaitResult {
  run: Run;
  pending_human_request: PendingHumanRequest | null;
  timed_out: boolean;
}

export interface FollowResult {
  subscription: string;
}

export interface UnfollowResult {
  success: boolean;
}

export interface DurationStats {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export interface StatsResult {
  total: number;
  counted: number;
  counts: Record<string, number>;
  failure_rate: number | null;
  duration_seconds: DurationStats;
}

/** The OpenRPC document (schema/openrpc.json). */
export interface OpenRPCDocument {
  openrpc: string;
  info: { title: string; version: string; description?: string };
  methods: Array<Record<string, unknown>>;
  components?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Every method by wire name, with its params and result. */
export interface MethodMap {
  "runs/start": { params: RunsStartParams; result: StartResult };
  "runs/get": { params: RunsGetParams; result: GetResult };
  "runs/messages": { params: RunsMessagesParams; result: MessagesResult };
  "runs/sendMessage": { params: RunsSendMessageParams; result: SendMessageResult };
  "runs/respond": { params: RunsRespondParams; result: RespondResult };
  "runs/stop": { params: RunsStopParams; result: StopResult };
  "runs/list": { params: RunsListParams; result: ListResult };
  "runs/wait": { params: RunsWaitParams; result: WaitResult };
  "runs/follow": { params: RunsFollowParams; result: FollowResult };
  "runs/unfollow": { params: RunsUnfollowParams; result: UnfollowResult };
  "runs/stats": { params: RunsStatsParams; result: StatsResult };
  "rpc.discover": { params: RpcDiscoverParams; result: OpenRPCDocument };
}

// MARK: follow events

export interface MessageEvent {
  kind: "message";
  subscription: string;
  run_id: string;
  /** The message's 0-based position in the run; each index arrives once, in order. */
  index: number;
  message: Message;
}

export interface StatusEvent {
  kind: "status";
  subscription: string;
  run_id: string;
  status: RunStatus;
  previous_status: RunStatus | null;
  run: Run;
  pending_human_request: PendingHumanRequest | null;
}

export interface FollowEndedEvent {
  kind: "followEnded";
  subscription: string;
  run_id: string;
  status: RunStatus | null;
  reason: "terminal" | "unfollowed" | "error" | "shutdown";
  /** Why the follow failed, when reason is "error". */
  error?: DuvoError;
}

/** The follow cannot make progress for now (429, 5xx, no answer, unreachable); it keeps trying. */
export interface FollowStalledEvent {
  kind: "followStalled";
  subscription: string;
  run_id: string;
  /** When the bridge noticed the stall (ISO 8601, UTC). */
  since: string;
  /** The failure, as a request would have thrown it. */
  error: DuvoError;
}

/** A stalled follow makes progress again; nothing was lost meanwhile. */
export interface FollowRecoveredEvent {
  kind: "followRecovered";
  subscription: string;
  run_id: string;
  /** How long it was stalled, in seconds. */
  stalled_s: number;
}

export type FollowEvent = MessageEvent | StatusEvent | FollowStalledEvent | FollowRecoveredEvent | FollowEndedEvent;

/** The events of one follow; ends after followEnded. Leaving a `for await` early unfollows. */
export declare class Follow implements AsyncIterableIterator<FollowEvent> {
  subscription: string | undefined;
  idleTimeoutMs: number | undefined;
  /** Sends runs/follow if it was not sent yet; resolves to the subscription. */
  start(): Promise<string>;
  next(): Promise<IteratorResult<FollowEvent>>;
  return(): Promise<IteratorResult<FollowEvent>>;
  [Symbol.asyncIterator](): Follow;
}

// MARK: the client

export interface ClientOptions {
  /** The argv to spawn; default [process.env.DUVO_BIN ?? "duvo", "rpc"]. */
  command?: string[];
  /** Adds --simulate: the embedded simulator, no API key needed. */
  simulate?: boolean;
  /** Adds --sim-speed. */
  simSpeed?: number;
  /** Appended to the command. */
  args?: string[];
  /** Environment overrides (DUVO_API_KEY, DUVO_TEAM_ID, ...); undefined or null removes a variable. */
  env?: Record<string, string | undefined | null>;
  /** Where the process log goes; default "inherit". */
  stderr?: "inherit" | "ignore" | "pipe" | number | import("node:stream").Stream;
  /** Sees every notification before it is routed. */
  onNotification?: (method: string, params: unknown) => void;
}

export interface CallOptions {
  /** Aborting cancels the request on the server; the call then rejects with Cancelled. */
  signal?: AbortSignal;
  /** Cancels the request on the server after this many ms. */
  timeoutMs?: number;
}

export interface FollowOptions {
  /** Rejects the wait for an event after this many ms without one. */
  idleTimeoutMs?: number;
}

export declare class DuvoClient {
  constructor(options?: ClientOptions);
  /** The process's exit code once it has exited, else null. */
  readonly exitCode: number | null;
  /** Closes stdin, waits for the process to exit (then kills it); resolves to its exit code. */
  close(options?: { timeoutMs?: number }): Promise<number | null>;

  start(params: RunsStartParams, options?: CallOptions): Promise<StartResult>;
  get(params: RunsGetParams, options?: CallOptions): Promise<GetResult>;
  messages(params: RunsMessagesParams, options?: CallOptions): Promise<MessagesResult>;
  sendMessage(params: RunsSendMessageParams, options?: CallOptions): Promise<SendMessageResult>;
  respond(params: RunsRespondParams, options?: CallOptions): Promise<RespondResult>;
  stop(params: RunsStopParams, options?: CallOptions): Promise<StopResult>;
  list(params?: RunsListParams, options?: CallOptions): Promise<ListResult>;
  wait(params: RunsWaitParams, options?: CallOptions): Promise<WaitResult>;
  follow(params: RunsFollowParams, options?: FollowOptions): Follow;
  unfollow(params: RunsUnfollowParams, options?: CallOptions): Promise<UnfollowResult>;
  stats(params?: RunsStatsParams, options?: CallOptions): Promise<StatsResult>;
  discover(params?: RpcDiscoverParams, options?: CallOptions): Promise<OpenRPCDocument>;

  /** The events of a subscription from start({ ..., follow: true }). */
  events(subscription: string, options?: FollowOptions): Follow;
  /** Calls any method by wire name. */
  call<M extends keyof MethodMap>(
    method: M,
    params: MethodMap[M]["params"],
    options?: CallOptions,
  ): Promise<MethodMap[M]["result"]>;
  call(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
}

// MARK: errors

export declare class DuvoError extends Error {
  constructor(code: number, message: string, data?: unknown);
  /** The JSON-RPC error code. */
  code: number;
  /** The error's data: { http_status, error, message, retry_after_s } from Duvo, or { field } for invalid params. */
  data: unknown;
  /** Duvo's HTTP status, when the error came from a Duvo answer. */
  readonly httpStatus: number | undefined;
  static code: number | undefined;
}
export declare class ParseError extends DuvoError {}
export declare class InvalidRequest extends DuvoError {}
export declare class MethodNotFound extends DuvoError {}
export declare class InvalidParams extends DuvoError {
  readonly field: string | undefined;
}
export declare class InternalError extends DuvoError {}
export declare class Cancelled extends DuvoError {}
export declare class UpstreamError extends DuvoError {
  /** True when a write may have reached Duvo but its answer was lost and its effect was not found: see `check`. */
  readonly outcomeUnknown: boolean;
  /** How to find out whether a write whose outcome is unknown happened. */
  readonly check: string | undefined;
}
export declare class Unauthorized extends UpstreamError {}
export declare class Forbidden extends UpstreamError {}
export declare class NotFound extends UpstreamError {}
export declare class Rejected extends UpstreamError {}
export declare class RateLimited extends UpstreamError {
  readonly retryAfterS: number | undefined;
}
export declare class UpstreamUnavailable extends UpstreamError {}
export declare class NetworkError extends UpstreamError {}
export declare class UpstreamTimeout extends UpstreamError {}
export declare class NotConfigured extends DuvoError {}
export declare class Unsupported extends DuvoError {}
/** -31011: the bridge follows as many runs as it may at once (`data.limit`); unfollow some first. */
export declare class TooManyFollows extends DuvoError {}

/** The duvo process exited or closed its output. */
export declare class BridgeClosed extends Error {
  constructor(message: string, exitCode: number | null);
  exitCode: number | null;
}

export declare const TERMINAL_STATUSES: ReadonlySet<string>;
/** The promise methods of DuvoClient by JS name, with the wire method each sends. */
export declare const METHODS: Readonly<{
  start: "runs/start";
  get: "runs/get";
  messages: "runs/messages";
  sendMessage: "runs/sendMessage";
  respond: "runs/respond";
  stop: "runs/stop";
  list: "runs/list";
  wait: "runs/wait";
  unfollow: "runs/unfollow";
  stats: "runs/stats";
  discover: "rpc.discover";
}>;
export declare function errorFromObject(error: { code: number; message: string; data?: unknown }): DuvoError;
