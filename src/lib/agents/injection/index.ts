/** The agent injection suite: cases, harness tools, the obedient scripted model and the runner. */
export {
	AGENT_INJECTION_CASES,
	ATTACKER_HOST,
	carrierText,
	type InjectionCase,
	type InjectionGoal,
	type InjectionVector
} from './cases.ts';
export { harnessTools, offlineRequests, type HarnessLog, type RequestPort } from './harness.ts';
export { obedientModel } from './obedient.ts';
export {
	approveAllHarness,
	INJECTION_REPORT_FORMAT,
	runInjectionSuite,
	type InjectionCaseResult,
	type InjectionReport,
	type InjectionSuiteInput
} from './suite.ts';
