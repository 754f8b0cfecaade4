/**
 * The settings sent to the server: every `nixls.*` setting the extension
 * declares, except the extension's own (`nixls.server.*`, `nixls.trace.*`).
 * The declared ones are copied from the server's schema
 * (scripts/sync_settings.py), so the sections come from package.json.
 */

/** Sections (below `nixls.`) that only the extension reads. */
export const CLIENT_ONLY_SECTIONS: readonly string[] = ["server", "trace"];

/** Anything with `get` like a `vscode.WorkspaceConfiguration`. */
export interface ConfigLike {
  get<T>(section: string): T | undefined;
}

/** The top-level server sections (`eval`, `diagnostics`, ...) among declared property keys. */
export function serverSections(propertyKeys: Iterable<string>): string[] {
  const sections = new Set<string>();
  for (const key of propertyKeys) {
    const [root, section] = key.split(".");
    if (root === "nixls" && section !== undefined && !CLIENT_ONLY_SECTIONS.includes(section)) {
      sections.add(section);
    }
  }
  return [...sections];
}

/** The nested settings object for `initializationOptions` and didChangeConfiguration. */
export function serverSettings(config: ConfigLike, sections: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of sections) {
    const value = config.get<unknown>(section);
    if (value !== undefined) out[section] = value;
  }
  return out;
}
