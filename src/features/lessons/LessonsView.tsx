import { ConnectionLesson } from '../budget/ConnectionLesson';

/** Lessons that need a screen of their own: each runs a small experiment for real and explains it. */
export function LessonsView() {
  return (
    <div className="lessons" data-testid="lessons-view">
      <ConnectionLesson />
    </div>
  );
}
