// BullMQ sandboxed processor for the isolation bench: a no-op.
module.exports = async (job) => job.data;
