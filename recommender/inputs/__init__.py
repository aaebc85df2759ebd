"""Reading what comes in: bundled data files, the start-up cache, validation, answers
files and FHIR QuestionnaireResponses, the intake's questions, the exercise catalog."""
