export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Whether the console is live; the header shows a banner when it is not. */
class Connection {
  state = $state<ConnectionState>('connecting');
}

export const connection = new Connection();
