// A small JSON Schema subset validator (type, properties, required, additionalProperties: false,
// enum, pattern, minimum / maximum, minLength / maxLength, items, minItems / maxItems), enough
// for the decisions a model may return. The same schema objects are sent to the model.
export type Schema = {
  type: "object" | "string" | "integer" | "number" | "boolean" | "array";
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: false;
  enum?: readonly (string | number | boolean)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  description?: string;
};

/** Returns the problems of `v` against `s` (empty when valid). */
export function validate(s: Schema, v: unknown, path = "$"): string[] {
  const errs: string[] = [];
  const t = s.type;
  if (t === "object") {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return [`${path} must be an object`];
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o)) errs.push(`${path}.${r} is required`);
    for (const [k, val] of Object.entries(o)) {
      const ps = s.properties?.[k];
      if (!ps) {
        if (s.additionalProperties === false) errs.push(`${path}.${k} is not allowed`);
        continue;
      }
      errs.push(...validate(ps, val, `${path}.${k}`));
    }
  } else if (t === "array") {
    if (!Array.isArray(v)) return [`${path} must be an array`];
    if (s.minItems !== undefined && v.length < s.minItems) errs.push(`${path} needs at least ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(`${path} allows at most ${s.maxItems} items`);
    if (s.items) v.forEach((x, i) => errs.push(...validate(s.items!, x, `${path}[${i}]`)));
  } else if (t === "string") {
    if (typeof v !== "string") return [`${path} must be a string`];
    if (s.minLength !== undefined && v.length < s.minLength) errs.push(`${path} is shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && v.length > s.maxLength) errs.push(`${path} is longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) errs.push(`${path} does not match ${s.pattern}`);
  } else if (t === "integer" || t === "number") {
    if (typeof v !== "number" || !Number.isFinite(v) || (t === "integer" && !Number.isSafeInteger(v))) return [`${path} must be ${t === "integer" ? "an integer" : "a number"}`];
    if (s.minimum !== undefined && v < s.minimum) errs.push(`${path} is under ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) errs.push(`${path} is over ${s.maximum}`);
  } else if (t === "boolean") {
    if (typeof v !== "boolean") return [`${path} must be a boolean`];
  }
  if (s.enum && !s.enum.includes(v as never)) errs.push(`${path} must be one of ${s.enum.join(", ")}`);
  return errs;
}
