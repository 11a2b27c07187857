/**
 * How the S3 client is configured: the standard AWS variables, read from the environment a
 * command was given (never printed: `describeS3Settings` names only region and endpoint).
 *
 *   AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL   a non-AWS service (MinIO, Ceph, GCS interoperability)
 *   AWS_REGION / AWS_DEFAULT_REGION          default us-east-1
 *   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *                                            else the SDK's default chain (profiles, instance or pod roles)
 *   MLOPS_S3_FORCE_PATH_STYLE                true/false; default true when an endpoint is set
 *                                            (`http://host/bucket/key`), false on AWS (virtual hosts)
 */
import type { S3ClientConfig } from "@aws-sdk/client-s3";

export interface S3Settings {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function s3SettingsFromEnv(env: Record<string, string | undefined>): S3Settings {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const pathStyle = env.MLOPS_S3_FORCE_PATH_STYLE;
  const settings: S3Settings = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    forcePathStyle: pathStyle === undefined || pathStyle === "" ? endpoint !== undefined : pathStyle === "true" || pathStyle === "1",
    ...(endpoint ? { endpoint } : {}),
  };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    settings.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return settings;
}

export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  // The SDK version in package-lock.json supports Node 20 (what mlops supports); its notice that
  // later SDK versions will need Node 22 would print on every command, so it is turned off unless
  // the user set the variable themselves.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    // checksums only where the API requires them: S3-compatible services differ in what else they accept
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 4,
  };
}
