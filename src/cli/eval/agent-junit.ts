/** The agent eval's JUnit XML lives in the domain (the Agent page writes it too): `lib/evals/agents/junit.ts`. */
export { formatAgentJunit, type AgentGateOutcome } from '../../lib/evals/agents/junit.ts';
