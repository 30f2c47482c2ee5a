/**
 * The one version of the REST API (`/api/v<API_VERSION>/…`): URI versioning's default, the OpenAPI document's
 * version, every controller's `version` and every body's `apiVersion` all read this constant.
 */
export const API_VERSION = '1' as const;
