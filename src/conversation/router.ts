import type { Action } from "./actions.js";
import type { Turn } from "./turn.js";

/** What a declared action does when it is chosen, on any app. */
export interface Route {
  readonly action: Action<never>;
  run(turn: Turn, data: string): Promise<void>;
}

/** Binds an action to its flow step; the step gets the action's typed values. */
export function route<V>(action: Action<V>, run: (turn: Turn, values: V) => Promise<void>): Route {
  return {
    action: action as unknown as Action<never>,
    async run(turn, data) {
      const values = action.parse(data);
      // Matched by its pattern but unreadable (an id too long): stale, like any unknown button.
      if (values === undefined) return void (await turn.acknowledge(turn.t("common:stale_button")));
      await run(turn, values);
    },
  };
}

/** Runs the route whose action the data is; false when none is (the caller says the button is stale). */
export async function dispatch(routes: readonly Route[], turn: Turn, data: string): Promise<boolean> {
  const r = routes.find((x) => x.action.pattern.test(data));
  if (!r) return false;
  await r.run(turn, data);
  return true;
}
