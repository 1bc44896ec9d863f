// The door of test/support: what several test rooms share.
export { testApp } from './app';
export { rolePolicyStatements, type PolicyStatementJson } from './role-policy';
