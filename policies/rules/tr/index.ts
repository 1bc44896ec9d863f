import CustomerManagedKeyEncryption from './CustomerManagedKeyEncryption';
import KmsKeyRotation from './KmsKeyRotation';
import KmsKeyPolicyNotPublic from './KmsKeyPolicyNotPublic';
import BucketTlsOnly from './BucketTlsOnly';
import BucketPublicAccessBlock from './BucketPublicAccessBlock';
import NoWildcardAdmin from './NoWildcardAdmin';
import NoPublicResourcePolicy from './NoPublicResourcePolicy';
import NoPlaintextSecretsInEnvironment from './NoPlaintextSecretsInEnvironment';
import MessagesEncryptedWithCmk from './MessagesEncryptedWithCmk';

/** The TR (trust) family, in ID order. */
export const TR_RULES = [
  CustomerManagedKeyEncryption,
  KmsKeyRotation,
  KmsKeyPolicyNotPublic,
  BucketTlsOnly,
  BucketPublicAccessBlock,
  NoWildcardAdmin,
  NoPublicResourcePolicy,
  NoPlaintextSecretsInEnvironment,
  MessagesEncryptedWithCmk,
];
