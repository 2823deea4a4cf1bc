import type { DocarrayVersion, JinaDocument } from './document.ts';
import { documentFromV1Message, documentToV1Message, type DecodedDocumentV1 } from './document-v1.ts';
import { documentFromV2Message, documentToV2Message, type DecodedDocV2 } from './document-v2.ts';

interface DocumentMapping {
  toMessage(doc: JinaDocument, path: string): object;
  fromMessage(message: object, path: string): JinaDocument;
}

/** The document mapping of each docarray major: DocumentProto (v1) or DocProto (v2). */
export const documentMappings = {
  v1: {
    toMessage: documentToV1Message,
    fromMessage: (message, path) => documentFromV1Message(message as DecodedDocumentV1, path),
  },
  v2: {
    toMessage: documentToV2Message,
    fromMessage: (message, path) => documentFromV2Message(message as DecodedDocV2, path),
  },
} satisfies Record<DocarrayVersion, DocumentMapping>;
