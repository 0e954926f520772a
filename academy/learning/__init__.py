"""The learner's loop: lessons, quiz attempts and grading, spaced review, knowledge gain, survey."""
