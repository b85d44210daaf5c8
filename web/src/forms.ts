import { useState } from 'react';
import type { z } from 'zod';
import { ApiError } from './api.ts';

export type FieldErrors = Record<string, string>;

/**
 * Checks a form's value with the API's own request schema (src/schema), so the browser refuses
 * what the server would refuse, with the field named. Returns the parsed value or the errors.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    errors[key] ??= sentence(issue.message);
  }
  return { ok: false, errors };
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** A form's submit state: field errors (from the schema or the server), a form-level error, busy. */
export function useSubmit() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setFailure(null);
    try {
      await action();
      setErrors({});
    } catch (error) {
      if (error instanceof ApiError) setErrors(error.fieldIssues());
      setFailure(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  }
  return { errors, setErrors, failure, setFailure, busy, run };
}
