export { BrokerPortInUseError, type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
export { demoStatePath, type Product, startProduct } from './product.ts';
export { type Stack, startStack } from './stack.ts';
