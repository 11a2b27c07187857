/** Whether a source or output location is an object in S3-compatible storage (`s3://bucket/key`). */
export function isS3Url(path: string): boolean {
  return path.startsWith("s3://");
}
