/** Every Firestore collection the relay reads or writes. */
export const NOTIFICATIONS = 'notifications';
export const NOTIFICATION_SETTINGS = 'notification_settings';
export const OPS_ALERTS = 'ops_alerts';
