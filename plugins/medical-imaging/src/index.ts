/**
 * Medical imaging for Lamina: DICOM and NIfTI importers (image datasets split by patient or
 * volume), ROC AUC / sensitivity / specificity, the dicom-stats command and a CNN template.
 * Written only against @lamina/plugin-sdk, as any third-party plugin is.
 */
import { definePlugin } from '@lamina/plugin-sdk';
import { importDicom } from './dicom/importer';
import { dicomStats } from './dicom/stats';
import { auc, sensitivity, specificity } from './metrics';
import { importNifti } from './nifti/importer';

export default definePlugin({
  importers: { dicom: importDicom, nifti: importNifti },
  metrics: { auc, sensitivity, specificity },
  commands: {
    'dicom-stats': (args) => {
      const file = args.file;
      if (typeof file !== 'string' || !file) return { error: 'give the file: --arg file=PATH' };
      return dicomStats(file);
    },
  },
});
