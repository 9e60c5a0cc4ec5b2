// Job artifacts: blobs `artifacts/<jobId>/<name>`, uploaded by the agent, downloaded by the buyer.
import { blobContainer, storageStatus } from "./blob-container.js";

const artifactsContainer = () => blobContainer("artifacts");

export interface StoredArtifact {
  name: string;
  sizeBytes: number;
}

export async function putArtifact(
  jobId: string,
  name: string,
  data: Buffer,
  contentType: string,
): Promise<void> {
  const blob = (await artifactsContainer()).getBlockBlobClient(`${jobId}/${name}`);
  await blob.uploadData(data, { blobHTTPHeaders: { blobContentType: contentType } });
}

export async function listArtifacts(jobId: string): Promise<StoredArtifact[]> {
  const client = await artifactsContainer();
  const found: StoredArtifact[] = [];
  for await (const item of client.listBlobsFlat({ prefix: `${jobId}/` })) {
    found.push({
      name: item.name.slice(jobId.length + 1),
      sizeBytes: item.properties.contentLength ?? 0,
    });
  }
  return found;
}

export async function getArtifact(
  jobId: string,
  name: string,
): Promise<{ data: Buffer; contentType: string } | undefined> {
  const blob = (await artifactsContainer()).getBlockBlobClient(`${jobId}/${name}`);
  try {
    const data = await blob.downloadToBuffer();
    const properties = await blob.getProperties();
    return { data, contentType: properties.contentType ?? "application/octet-stream" };
  } catch (error) {
    if (storageStatus(error) === 404) return undefined;
    throw error;
  }
}
