export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Whether the console is live; the header shows a banner when it is not, and when it has caught up. */
class Connection {
  state = $state<ConnectionState>('connecting');
  /** When the connection was lost (for the banner). */
  offlineSince = $state<number | undefined>(undefined);
  /** Set after a reconnect once the snapshot that covers the gap is applied. */
  caughtUpAt = $state<number | undefined>(undefined);
  /** Reconnects so far (the first connect is not one). */
  reconnects = $state(0);
  #everOnline = false;

  online(): void {
    if (this.#everOnline) this.reconnects += 1;
    this.#everOnline = true;
    this.state = 'online';
  }

  offline(): void {
    if (this.state !== 'offline') this.offlineSince = Date.now();
    this.state = 'offline';
  }

  caughtUp(): void {
    this.offlineSince = undefined;
    if (this.reconnects > 0) this.caughtUpAt = Date.now();
  }
}

export const connection = new Connection();
