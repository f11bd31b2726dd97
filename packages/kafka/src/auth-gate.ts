/**
 * While a tool refuses our credentials, one record probes it and every other record waits here instead of
 * failing the same way. Opened by the probe's first success (or by the probe giving up its turn).
 */
export class AuthGate {
  private owner: symbol | null = null;
  private opened: Promise<void> = Promise.resolve();
  private open_: () => void = () => {};

  get closed(): boolean {
    return this.owner !== null;
  }

  /** Closes the gate with `who` as its probe; true when this call closed it. */
  close(who: symbol): boolean {
    if (this.owner !== null) return false;
    this.owner = who;
    this.opened = new Promise((resolve) => {
      this.open_ = resolve;
    });
    return true;
  }

  isProbe(who: symbol): boolean {
    return this.owner === who;
  }

  open(who: symbol): boolean {
    if (this.owner !== who) return false;
    this.owner = null;
    this.open_();
    return true;
  }

  /** Waits while another record is probing; returns early when `signal` aborts. */
  async wait(who: symbol, signal: AbortSignal): Promise<void> {
    while (this.owner !== null && this.owner !== who && !signal.aborted) {
      let done: () => void = () => {};
      await new Promise<void>((resolve) => {
        done = resolve;
        void this.opened.then(done);
        signal.addEventListener('abort', done, { once: true });
      });
      signal.removeEventListener('abort', done);
    }
  }
}
