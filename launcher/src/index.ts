export { BrokerPortInUseError, type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
export { type Stack, startStack } from './stack.ts';
