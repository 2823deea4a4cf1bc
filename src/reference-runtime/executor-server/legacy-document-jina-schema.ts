import type { JsonObject } from '../../protocol/json-value.ts';

/**
 * `LegacyDocumentJina.schema()` as Jina 3.34 + docarray 0.41 + pydantic 2 report it in an
 * executor's `endpoint_discovery` (captured from `jina executor --uses StressIndexer` on
 * .jina-envs/v2). A docarray v2 gateway compares each endpoint's input/output schema with this
 * exact value to pick its LegacyDocumentJina model; any other schema makes it build a model.
 */
export const legacyDocumentJinaSchema: JsonObject = {
  "$defs": {
    "LegacyDocumentJina": {
      "title": "LegacyDocumentJina",
      "type": "object",
      "properties": {
        "text": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "title": "Text",
          "default": null
        },
        "tags": {
          "title": "Tags",
          "type": "object",
          "default": {}
        },
        "embedding": {
          "anyOf": [
            {
              "type": "array",
              "tensor/array shape": "not specified",
              "items": {
                "type": "number"
              }
            },
            {
              "type": "null"
            }
          ],
          "title": "Embedding",
          "default": null
        },
        "id": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "title": "Id",
          "description": "The ID of the BaseDoc. This is useful for indexing in vector stores. If not set by user, it will automatically be assigned a random value"
        },
        "blob": {
          "anyOf": [
            {
              "format": "binary",
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "title": "Blob",
          "default": null
        },
        "url": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "title": "Url",
          "default": null
        },
        "matches": {
          "anyOf": [
            {
              "type": "array",
              "items": {
                "$ref": "#/$defs/LegacyDocumentJina"
              }
            },
            {
              "type": "null"
            }
          ],
          "title": "Matches",
          "default": null
        },
        "tensor": {
          "anyOf": [
            {
              "type": "array",
              "tensor/array shape": "not specified",
              "items": {
                "type": "number"
              }
            },
            {
              "type": "null"
            }
          ],
          "title": "Tensor",
          "default": null
        },
        "scores": {
          "anyOf": [
            {
              "type": "object"
            },
            {
              "type": "null"
            }
          ],
          "title": "Scores",
          "default": null
        },
        "chunks": {
          "anyOf": [
            {
              "type": "array",
              "items": {
                "$ref": "#/$defs/LegacyDocumentJina"
              }
            },
            {
              "type": "null"
            }
          ],
          "title": "Chunks",
          "default": null
        }
      },
      "description": "This Document is the LegacyDocumentJina. It follows the same schema as in DocArray <=0.21.\nIt can be useful to start migrating a codebase from v1 to v2.\n\nNevertheless, the API is not totally compatible with DocArray <=0.21 `Document`.\nIndeed, none of the method associated with `Document` are present. Only the schema\nof the data is similar.\n\n```python\nfrom docarray import DocList\nfrom docarray.documents.legacy import LegacyDocument\nimport numpy as np\n\ndoc = LegacyDocument(text='hello')\ndoc.url = 'http://myimg.png'\ndoc.tensor = np.zeros((3, 224, 224))\ndoc.embedding = np.zeros((100, 1))\n\ndoc.tags['price'] = 10\n\ndoc.chunks = DocList[Document]([Document() for _ in range(10)])\n\ndoc.chunks = DocList[Document]([Document() for _ in range(10)])\n```"
    }
  },
  "$ref": "#/$defs/LegacyDocumentJina"
};
