/** The split a Datasets-page panel draws from (the train split by default: what the model learns from). */
export type SplitChoice = 'all' | 'train' | 'validation' | 'test';
export const SPLIT_CHOICES: { label: string; value: SplitChoice }[] = [
  { label: 'Train split', value: 'train' },
  { label: 'Validation split', value: 'validation' },
  { label: 'Test split', value: 'test' },
  { label: 'All rows', value: 'all' },
];
