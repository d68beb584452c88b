export { BrokerPortInUseError, type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
export { type Stack, startStack } from './stack.ts';
export { demoStatePath, type Product, startProduct } from './product.ts';
