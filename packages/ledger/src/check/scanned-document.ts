/** A document as the check scanned it. */
export interface ScannedDocument {
  id: string;
  path: string;
  data: Record<string, unknown>;
  /** updateTime differs from createTime. */
  edited: boolean;
}
