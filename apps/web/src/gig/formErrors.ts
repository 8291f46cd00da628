import type { FormInstance } from 'antd';
import type { ApiError } from '../api/client';

/**
 * Puts the server's per-field messages (problem `errors[]`) under the form fields they name. `fields`
 * maps the API's field names to the form's (`wageFen` → `wageYuan`); names already alike map themselves.
 */
export function showFieldErrors<T>(
  form: FormInstance<T>,
  error: ApiError | null | undefined,
  fields: Readonly<Record<string, string>>,
): void {
  if (!error) return;
  const entries = error.fieldErrors.flatMap((fieldError) => {
    const name = fields[fieldError.field];
    return name ? [{ name: name as never, errors: [fieldError.message] }] : [];
  });
  if (entries.length > 0) form.setFields(entries);
}
