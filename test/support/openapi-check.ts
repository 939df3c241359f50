/**
 * Checks an HTTP answer against an OpenAPI 3.1 document: the operation (method + path
 * template) must list the status, the content type must be one it declares, and a JSON body
 * must validate against the declared schema (JSON Schema 2020-12, with Ajv: the dialect of
 * OpenAPI 3.1). Requests the document does not describe at all (an unknown path or method,
 * a CORS preflight) are not checked: the server answers them with ROUTE_NOT_FOUND by design.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Json = Record<string, unknown>;

export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string | null;
  /** The body text; undefined for a stream the check must not read (SSE). */
  body?: string | undefined;
}

interface Route {
  template: string;
  pattern: RegExp;
}

const DOC_ID = "spool-openapi";

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    // Registered whole, so `#/components/schemas/…` references resolve inside it.
    this.ajv.addSchema({ ...doc, $id: DOC_ID }, DOC_ID);
    const paths = Object.keys((doc.paths ?? {}) as Json);
    this.routes = paths.map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
      ),
    }));
  }

  /** The problems with this answer (empty when it is what the document allows). */
  check(answer: Answer): string[] {
    const method = answer.method.toLowerCase();
    const path = new URL(answer.url).pathname;
    const route = this.routes.find((r) => r.pattern.test(path));
    const item = route ? ((this.doc.paths as Json)[route.template] as Json) : undefined;
    const op = item?.[method] as Json | undefined;
    if (!route || !op) return [];
    const where = `${answer.method.toUpperCase()} ${route.template} → ${answer.status}`;
    const responses = (op.responses ?? {}) as Json;
    const response = (responses[String(answer.status)] ?? responses.default) as Json | undefined;
    if (!response)
      return [`${where}: status not documented (documented: ${Object.keys(responses).join(", ")})`];
    const content = response.content as Json | undefined;
    if (!content) return answer.body ? [`${where}: a body where the document declares none`] : [];
    const type = (answer.contentType ?? "").split(";")[0]!.trim().toLowerCase();
    if (!(type in content))
      return [`${where}: content type "${type}" not declared (${Object.keys(content).join(", ")})`];
    if (type !== "application/json" || answer.body === undefined) return [];
    let value: unknown;
    try {
      value = JSON.parse(answer.body);
    } catch {
      return [`${where}: body is not JSON: ${answer.body.slice(0, 200)}`];
    }
    const pointer = `#/paths/${pointerSegment(route.template)}/${method}/responses/${answer.status in responses ? answer.status : "default"}/content/${pointerSegment(type)}/schema`;
    const validate = this.validator(pointer);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${where}: body${e.instancePath || ""} ${e.message ?? "is invalid"} (${e.schemaPath}); body: ${answer.body!.slice(0, 300)}`,
    );
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.validators.set(pointer, v);
    }
    return v;
  }
}

/** JSON Pointer escaping, then URI escaping of `{` `}` for the `$ref`. */
function pointerSegment(segment: string): string {
  return encodeURIComponent(segment.replaceAll("~", "~0").replaceAll("/", "~1"));
}
