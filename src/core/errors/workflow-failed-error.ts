import { SpoolError } from "./spool-error.js";

/** `workflow.result()` on a workflow that ended `failed` or `cancelled`. */
export class WorkflowFailedError extends SpoolError {
  readonly code: "WORKFLOW_FAILED" | "WORKFLOW_CANCELLED";
  constructor(
    readonly workflowId: string,
    readonly state: "failed" | "cancelled",
    /** The first node that failed (failed workflows), with its last error message. */
    readonly failedNode: { node: string; jobId: string; message: string } | undefined,
  ) {
    super(
      state === "cancelled"
        ? `workflow ${workflowId} was cancelled`
        : `workflow ${workflowId} failed${failedNode ? `: node ${failedNode.node} failed: ${failedNode.message}` : ""}`,
      { details: { workflowId, state, failedNode } },
    );
    this.code = state === "cancelled" ? "WORKFLOW_CANCELLED" : "WORKFLOW_FAILED";
  }
}
