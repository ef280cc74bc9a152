"""Learning paths with progress: enrolment, the next step, milestones, a weekly nudge."""
