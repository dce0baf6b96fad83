export type { PushBodyOptions, Requestable, TestEvent } from './push-bodies';
export { event, postPush, pushBody, rawPushBody } from './push-bodies';
export type { ServedService, WireOptions } from './test-bus';
export { TestBus } from './test-bus';
export type { Captured } from './topic-tap';
export { TopicTap } from './topic-tap';
