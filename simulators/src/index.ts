export { generateCommunity } from './community.ts';
export { startDemoPlayer } from './demo-player.ts';
export { seededRandom } from './random.ts';
