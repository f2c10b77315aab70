/** What every trained recommender offers the evaluation. */
export interface Recommender {
  /** Scores of every item for one user (higher first). */
  scoreUser(user: number): Float32Array;
  /** Predicted ratings for (user, item) pairs; absent for models that only rank. */
  predict?(users: Int32Array, items: Int32Array): Float32Array;
}
