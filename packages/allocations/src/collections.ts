/** `allocations/{allocation_id}`: the one document of an allocation, shared by both apps. */
export const ALLOCATIONS_COLLECTION = 'allocations';
/** `provisioning_blocks/{user_id}`: a depleted balance blocks new allocations of the user. */
export const PROVISIONING_BLOCKS_COLLECTION = 'provisioning_blocks';
