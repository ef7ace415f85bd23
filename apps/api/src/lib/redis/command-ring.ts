/**
 * The commands sent on one Redis connection and not yet settled, oldest first, each with its
 * deadline: what enforceDeadline() (redis.ts) needs to find the oldest unanswered command.
 *
 * Slots are preallocated and reused (a ring indexed by a counter), so the hot path allocates
 * nothing here and no array is ever replaced while commands are in it. The earlier queue (an
 * array that was pushed to, emptied and replaced by a fresh `[]`) made V8 pretenure it in the
 * bad runs: its abandoned backing stores then sat in the old generation still pointing at
 * commands already answered, so every command, its promise and the request waiting on it
 * survived the young generation (docs/architecture.md, seventh pass).
 */
export interface CommandRing<C extends { readonly isResolved: boolean }> {
  /** Adds a command about to be sent; returns its position, for fail(). */
  push(command: C, deadline: number): number;
  /** Notes that the command at this position failed: it no longer waits for an answer. */
  fail(position: number, command: C): void;
  /** Drops the settled commands (answered or failed) at the head, clearing their slots. */
  release(): void;
  /** The deadline of the oldest command still waiting (after release()), or undefined. */
  oldestDeadline(): number | undefined;
  /** The commands still waiting whose deadline is not after `now`, oldest first. */
  late(now: number): C[];
  /** Commands between the head and the tail, settled or not (for tests). */
  size(): number;
}

const INITIAL_CAPACITY = 64;

export function createCommandRing<C extends { readonly isResolved: boolean }>(initialCapacity = INITIAL_CAPACITY): CommandRing<C> {
  if (!Number.isInteger(Math.log2(initialCapacity)) || initialCapacity < 1) throw new Error('createCommandRing(): the capacity must be a power of two');
  let capacity = initialCapacity;
  let mask = capacity - 1;
  // null = an empty slot, or a command that failed
  let commands: Array<C | null> = new Array<C | null>(capacity).fill(null);
  let deadlines = new Float64Array(capacity);
  // positions: head is the oldest kept, tail the next free; both reset to 0 when the ring empties
  let head = 0;
  let tail = 0;

  const settled = (c: C | null) => c === null || c.isResolved;

  /** Doubles the slots; every kept command stays at the slot its position names. */
  function grow(): void {
    const nextCapacity = capacity * 2;
    const nextMask = nextCapacity - 1;
    const nextCommands = new Array<C | null>(nextCapacity).fill(null);
    const nextDeadlines = new Float64Array(nextCapacity);
    for (let p = head; p < tail; p++) {
      nextCommands[p & nextMask] = commands[p & mask] ?? null;
      nextDeadlines[p & nextMask] = deadlines[p & mask] ?? 0;
    }
    // the old slots are garbage now: leave nothing in them that could keep a command alive
    commands.fill(null);
    commands = nextCommands;
    deadlines = nextDeadlines;
    capacity = nextCapacity;
    mask = nextMask;
  }

  return {
    push(command, deadline) {
      if (tail - head === capacity) grow();
      const position = tail++;
      commands[position & mask] = command;
      deadlines[position & mask] = deadline;
      return position;
    },
    fail(position, command) {
      // a stale position (the ring emptied and reused it) names another command: leave it
      if (position >= head && position < tail && commands[position & mask] === command) commands[position & mask] = null;
    },
    release() {
      while (head < tail && settled(commands[head & mask] ?? null)) {
        commands[head & mask] = null;
        head++;
      }
      if (head === tail) head = tail = 0;
    },
    oldestDeadline() {
      return head < tail ? deadlines[head & mask] : undefined;
    },
    late(now) {
      const found: C[] = [];
      for (let p = head; p < tail; p++) {
        const c = commands[p & mask] ?? null;
        if (c === null || settled(c)) continue;
        if ((deadlines[p & mask] ?? 0) > now) break;
        found.push(c);
      }
      return found;
    },
    size: () => tail - head,
  };
}
