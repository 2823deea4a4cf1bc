import { describeRealJinaRun } from './support/real-jina-expectations.ts';

// configs/jina-e2e-v1.yaml through the plugin, Flows run by the agent's process runtime on
// jina 3.34 + docarray 0.21 (.jina-envs/v1, the v1 wire format): grpc, http and websocket.
describeRealJinaRun('v1', 'configs/jina-e2e-v1.yaml');
