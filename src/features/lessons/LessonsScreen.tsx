import { ConnectionLesson } from '../budget/ConnectionLesson';
import { LoadLesson } from '../load/LoadLesson';
import { StormLesson } from '../storm/StormLesson';

/** Lessons that need a screen of their own: each runs a small experiment for real and explains it. */
export function LessonsScreen() {
  return (
    <div className="lessons" data-testid="lessons-view">
      <ConnectionLesson />
      <StormLesson />
      <LoadLesson />
    </div>
  );
}
