import { describeRealJinaRun } from './support/real-jina-expectations.ts';

// configs/jina-e2e.yaml through the plugin, Flows run by the agent's process runtime on
// jina 3.34 + docarray 0.41 (.jina-envs/v2): grpc, http and websocket.
describeRealJinaRun('v2', 'configs/jina-e2e.yaml');
