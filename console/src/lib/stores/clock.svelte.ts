/** One ticking clock for every countdown on screen (a single interval, not one per row). */
class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    this.#timer ??= setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }
}

export const clock = new Clock();
